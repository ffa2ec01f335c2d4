"""Which recurrent layer the estimators build for each ``cell``.

``"rnn"``, ``"gru"`` and ``"lstm"`` are the network's own layers; any other
registered cell's name, or a :class:`~rnn_nodes.nodes.RecurrentNode` subclass of
your own, gives a :class:`~rnn_nodes.layers.RecurrentLayer` of that cell.
"""

from rnn_nodes.layers import RecurrentLayer
from rnn_nodes.network import RNN
from rnn_nodes.nodes import NODES, RecurrentNode, node_class

CELLS = {
    "rnn": RNN.add_RNNLayer,
    "gru": RNN.add_GRULayer,
    "lstm": RNN.add_LSTMLayer,
}
"""Cell name -> unbound ``RNN`` method ``(net, n_units, activation) -> net``."""


def cell_builder(cell):
    """The function that adds one recurrent layer of ``cell`` to a network.

    Parameters
    ----------
    cell : str or type
        A name of :data:`CELLS` or of a registered cell, or a node class.

    Returns
    -------
    callable
        ``(net, n_units, activation) -> net``.

    Raises
    ------
    ValueError
        For an unknown name or anything else.
    """
    if isinstance(cell, str) and cell in CELLS:
        return CELLS[cell]
    if (isinstance(cell, str) and cell in NODES) or (
            isinstance(cell, type) and issubclass(cell, RecurrentNode)):
        node = node_class(cell)

        def add_recurrent(net, n_units, activation="tanh"):
            return net.add_layer(RecurrentLayer(n_units, node, activation))

        return add_recurrent
    raise ValueError(
        f"Received an invalid value for argument `cell`, expected one of "
        f"{sorted(CELLS)}, a registered cell's name ({sorted(NODES)}) or a subclass of "
        f"rnn_nodes.nodes.RecurrentNode, got {cell!r}"
    )
