"""The README's scikit-learn section runs as written and learns."""

import pathlib
import re
import warnings

README = pathlib.Path(__file__).resolve().parents[2] / "docs" / "guide" / "estimators.md"


def test_estimator_section_runs(tmp_path, monkeypatch):
    section = README.read_text().split("## scikit-learn estimators", 1)[1]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the section silences what it means to (short fits)
        exec(compile(code, str(README), "exec"), namespace)
    assert namespace["r2"] > 0.95
    X, model, same = namespace["X"], namespace["model"], namespace["same"]
    assert (same.predict(X) == model.predict(X)).all()
    assert namespace["proba"].shape == (3, 2)
    assert namespace["clf"].score(namespace["X"], namespace["labels"]) > 0.9
    assert {p.name for p in tmp_path.iterdir()} == {"sine.npz", "curves.png", "grid.png"}
    assert len(namespace["search"].cv_results_["params"]) == 4
