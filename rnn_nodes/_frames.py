"""Warnings that point at the user's line, however deep in the package they are raised.

A fixed ``stacklevel`` breaks as soon as a call passes through one more
function (a wrapper such as :func:`rnn_nodes.keywords.check_keywords`, an
estimator calling the network). :func:`outside_stacklevel` counts the frames
instead.
"""

import pathlib
import sys

PACKAGE = str(pathlib.Path(__file__).resolve().parent)


def outside_stacklevel():
    """The ``stacklevel`` at which ``warnings.warn`` shows the first frame outside ``rnn_nodes``.

    Call it as the argument of ``warnings.warn`` from the function that warns.

    Returns
    -------
    int
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
