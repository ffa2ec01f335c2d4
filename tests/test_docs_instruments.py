"""``docs/instruments.md``: its code runs as written, printing what the page says."""

import pathlib
import re

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "instruments.md"


def test_the_code_of_the_page_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.DOTALL)
    assert len(blocks) == 3
    namespace = {}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "True []"
    assert printed[1] == "the float32 network was checked through a float64 copy"
    assert printed[2] == "['layers.1', 'layers.2']"
    assert printed[3] == "('h', 'c', 'gates', 'dC_dh', 'dC_dc', 'delta')"
    assert printed[4] == "(6, 4, 3) (4, 3)"
    assert len(namespace["ax"].lines) == 2


def test_the_figures_exist_and_their_script_runs(tmp_path, monkeypatch):
    import importlib.util

    script = PAGE.parents[1] / "examples" / "instruments_figures.py"
    spec = importlib.util.spec_from_file_location("instruments_figures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FIGURES", tmp_path)
    module.main()
    for name in ("gradient_flow", "unrolled", "histograms"):
        assert (tmp_path / f"instruments_{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert f"figures/instruments_{name}.png" in PAGE.read_text()
