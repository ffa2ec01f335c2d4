"""The README's quick start runs as written and learns."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_quick_start_runs_and_learns():
    code = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    namespace = {}
    exec(compile(code, str(README), "exec"), namespace)
    assert namespace["y_hat"].shape == (50, 70, 1)
    assert namespace["future"].shape == (50, 30, 1)
    # clean sine waves, 50 epochs: the next-step validation MSE falls below 0.01
    assert namespace["history"]["val_loss"][-1] < 0.01
