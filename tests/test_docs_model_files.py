"""``docs/model-files.md``: its code runs as written, and its limits are the code's."""

import importlib.util
import pathlib
import re

import numpy as np
import pytest

from rnn_nodes.persistence import limits
from rnn_nodes.validation import MAX_BLAS_THREADS, MAX_STEPS, MAX_UNITS

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "model-files.md"


def test_the_code_of_the_page_runs(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.S)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        if "import torch" in block and importlib.util.find_spec("torch") is None:
            continue  # torch is optional; the other blocks still run
        exec(compile(block, str(PAGE), "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("{'type': 'LSTMLayer', 'n_features': 4")
    assert printed[0].endswith("(3, 16)")
    assert printed[1] == "(4, 16)"
    if "y" in namespace:
        assert printed[2] == "True"
        assert np.allclose(namespace["y"].numpy(), namespace["net"].predict(namespace["X"]),
                           atol=1e-5)


@pytest.mark.parametrize("value, text, number", [
    (limits.MAX_HEADER_BYTES, "| header | 64 MiB |", 64 * 2**20),
    (limits.MAX_RECORD_BYTES, "| record | 16 MiB of JSON |", 16 * 2**20),
    (limits.MAX_RECORD_VALUES, "| values in the record | 2**20 |", 2**20),
    (limits.MAX_DEPTH, "| nesting | 32 (record)", 32),
    (limits.HEADER_DEPTH, "3 (header)", 3),
    (limits.MAX_ARRAYS, "| arrays | 16,384 |", 16384),
    (limits.MAX_LAYERS, "| layers | 256 |", 256),
    (limits.MAX_NDIM, "| axes of an array | 8 |", 8),
    (MAX_UNITS, "| units of a layer | 2**24 |", 2**24),
    (MAX_BLAS_THREADS, "| `blas_threads` | 4,096 |", 4096),
    (MAX_STEPS, "| 2**31 - 1 |", 2**31 - 1),
    (limits.MAX_LABEL_LENGTH, "| 4,096 characters |", 4096),
    (limits.MAX_RATIO, "| ratio 64 to 1 above 64 kB |", 64),
    (limits.SMALL_MEMBER, "above 64 kB", 2**16)])
def test_the_limits_the_page_gives_are_the_codes(value, text, number):
    assert text in PAGE.read_text() and value == number
