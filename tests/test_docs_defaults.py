"""``docs/defaults.md``: its code runs, and the defaults it states are the estimators'."""

import pathlib
import re

import pytest

from rnn_nodes import RNNClassifier, RNNRegressor

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "defaults.md"


def test_the_code_of_the_page_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], str(PAGE), "exec"), {})
    # CosineDecay(16, warmup 2) over 4 epochs of 4 updates: the last update of epoch e is
    # u = 4e - 1, at 1e-2 (1 + cos(pi (u - 2) / 16)) / 2: cos(pi/16) = 0.98079,
    # cos(5 pi/16) = 0.55557, cos(9 pi/16) = -0.19509, cos(13 pi/16) = -0.83147
    assert capsys.readouterr().out.strip() == "[0.0099, 0.00778, 0.00402, 0.00084]"


@pytest.mark.parametrize("Model", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize("name, value", [
    ("cell", '"gru"'), ("hidden_layer_sizes", "(32,)"), ("batch_size", '"auto"'),
    ("max_iter", "200"), ("clip_norm", "1.0"), ("n_iter_no_change", "10"),
    ("n_updates_no_change", "300"), ("learning_rate_schedule", "None"),
])
def test_the_page_states_the_defaults(Model, name, value):
    assert f"| `{name}` | `{value}`" in PAGE.read_text() or name in ("n_iter_no_change",
                                                                     "n_updates_no_change")
    assert repr(Model().get_params()[name]).replace("'", '"') == value
