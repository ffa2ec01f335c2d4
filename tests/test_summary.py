"""``net.summary()``: one row per layer with its output shape and parameter count, the total;
``print(net)`` stays one line."""

import pytest

from rnn_nodes import RNN
from rnn_nodes.summary import summary_text


def test_rows_counts_and_total_by_hand():
    net = RNN(dtype="float64", seed=0).add_InputLayer(3).add_GRULayer(4).add_RNNLayer(2)
    net.add_OutputLayer(5)
    lines = []
    net.summary(print_fn=lines.append)
    text = lines[0]
    # GRU: 3 gates * 4 * (3 + 4) weights + 2 * 3 * 4 biases = 108; Elman: 2 * (4 + 2) + 2 * 2 = 16;
    # output: 2 * 5 + 5 = 15
    rows = text.splitlines()[3:7]
    assert [row.split()[-1] for row in rows] == ["0", "108", "16", "15"]
    assert [row.split()[1] for row in rows] == ["InputLayer(3)", "GRULayer(4)", "RNNLayer(2)",
                                                "OutputLayer(5)"]
    assert "(batch, time, 5)" in rows[3]
    assert text.splitlines()[-1] == "Total params: 139 (float64: 1,112 bytes)"
    assert text == summary_text(net)


def test_the_total_is_pytorchs_count():
    pytest.importorskip("torch")
    net = RNN(seed=0).add_InputLayer(2).add_LSTMLayer(6, bidirectional=True).add_LSTMLayer(6)
    net.add_DenseLayer(3, activation="softmax")
    want = sum(p.numel() for p in net.to_torch().parameters())
    assert summary_text(net).splitlines()[-1].startswith(f"Total params: {want:,} ")


def test_print_of_a_network_stays_one_line(capsys):
    net = RNN(seed=0).add_InputLayer(2).add_LSTMLayer(6, bidirectional=True).add_DenseLayer(1)
    print(net)
    assert capsys.readouterr().out.count("\n") == 1
    assert "\n" not in repr(net) and "Params" in summary_text(net)


def test_a_network_without_layers_says_so():
    assert "no layers" in summary_text(RNN())
