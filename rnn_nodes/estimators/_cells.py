"""Which network method builds a recurrent layer of each cell type.

A new cell is one line in ``CELLS`` once its layer exists, e.g.
``"gru": RNN.add_GRULayer``; the estimators then accept ``cell="gru"``.
"""

from rnn_nodes.network import RNN

CELLS = {
    "rnn": RNN.add_RNNLayer,
    "gru": RNN.add_GRULayer, "lstm": RNN.add_LSTMLayer,
}
"""Cell name -> unbound ``RNN`` method ``(net, n_units, activation) -> net``."""

PLANNED_CELLS = ("gru", "lstm")


def cell_builder(cell):
    """The method that adds one recurrent layer of type ``cell`` to a network.

    Raises
    ------
    ValueError
        For a planned cell that does not exist yet, or an unknown name.
    """
    if isinstance(cell, str) and cell in CELLS:
        return CELLS[cell]
    if cell in PLANNED_CELLS:
        raise ValueError(
            f"cell={cell!r} is not available yet: GRU and LSTM layers are planned but "
            f"not implemented; available cells: {sorted(CELLS)}"
        )
    raise ValueError(
        f"Received an invalid value for argument `cell`, expected one of "
        f"{sorted(CELLS)}, got {cell!r}"
    )
