"""Which network method builds a recurrent layer of each cell type.

A new cell is one line in ``CELLS``; the estimators then accept it as ``cell``.
"""

from rnn_nodes.network import RNN

CELLS = {
    "rnn": RNN.add_RNNLayer,
    "gru": RNN.add_GRULayer,
    "lstm": RNN.add_LSTMLayer,
}
"""Cell name -> unbound ``RNN`` method ``(net, n_units, activation) -> net``."""


def cell_builder(cell):
    """The method that adds one recurrent layer of type ``cell`` to a network.

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if isinstance(cell, str) and cell in CELLS:
        return CELLS[cell]
    raise ValueError(
        f"Received an invalid value for argument `cell`, expected one of "
        f"{sorted(CELLS)}, got {cell!r}"
    )
