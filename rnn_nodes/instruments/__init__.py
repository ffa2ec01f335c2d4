"""Instruments to look inside backpropagation through time.

- :func:`gradient_check`: every gradient against central finite differences;
- :func:`check_cell`: a cell of your own, quantity by quantity: which value of its
  backward is wrong;
- :func:`trace`: what each node computed (``z_t``, ``h_t``, gates, ``delta_t``,
  ``dC/dh_t``), by layer and step;
- :func:`plot_gradient_flow`: ``||dC/dh_t||`` per layer and step (vanishing gradients);
- :func:`plot_unrolled`: the network unrolled in time, arrows as wide as the gradient;
- :class:`HistogramRecorder` and :func:`plot_histograms`: weights and states per epoch.

See ``docs/instruments.md``.
"""

from rnn_nodes.instruments.cell_check import CellCheck, CellRecord, check_cell
from rnn_nodes.instruments.finite_differences import (
    GradientCheck,
    GradientRecord,
    gradient_check,
)
from rnn_nodes.instruments.gradient_flow import gradient_norms, plot_gradient_flow
from rnn_nodes.instruments.histograms import HistogramRecorder, plot_histograms
from rnn_nodes.instruments.tracing import LayerTrace, Trace, trace
from rnn_nodes.instruments.unrolled import plot_unrolled

__all__ = [
    "CellCheck",
    "CellRecord",
    "GradientCheck",
    "GradientRecord",
    "HistogramRecorder",
    "LayerTrace",
    "Trace",
    "check_cell",
    "gradient_check",
    "gradient_norms",
    "plot_gradient_flow",
    "plot_histograms",
    "plot_unrolled",
    "trace",
]
