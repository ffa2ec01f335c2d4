"""The README's quick start runs as written, learns, and warns of nothing."""

import pathlib
import re
import warnings

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
SEQUENCES = pathlib.Path(__file__).resolve().parents[1] / "docs" / "guide" / "sequences.md"


def test_quick_start_runs_and_learns():
    code = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an example warns only where the warning is the point
        exec(compile(code, str(README), "exec"), namespace)
    assert namespace["y_hat"].shape == (50, 70, 1)
    assert namespace["future"].shape == (50, 30, 1)
    # clean sine waves, 50 epochs: the next-step validation MSE falls below 0.01
    assert namespace["history"]["val_loss"][-1] < 0.01


def test_sequences_section_runs_without_warnings():
    section = SEQUENCES.read_text().split("## Sequences as they come", 1)[1].split("\n## ", 1)[0]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, str(README), "exec"), namespace)
    assert len(namespace["p"]) == 3 and len(namespace["chunks"]) == 3
