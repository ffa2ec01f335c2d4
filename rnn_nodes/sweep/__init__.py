"""Hyper-parameter sweeps: scikit-learn's searches on local processes or on Dask::

    from sklearn.model_selection import TimeSeriesSplit
    from rnn_nodes import RNNRegressor
    from rnn_nodes.sweep import plot_sweep, sweep, sweep_report
    from schedulers import Adam, Momentum

    search = sweep(RNNRegressor(max_iter=20, random_state=0),
                   {"scheduler": [Momentum(eta=0.01), Adam()],
                    "scheduler__eta": [1e-3, 1e-2], "alpha": [0.0, 1e-3]},
                   X, y, cv=TimeSeriesSplit(3), dask="local", verbose=1)
    report = sweep_report(search)      # every cell's mean and std, the failed cells
    maps = plot_sweep(search, "scheduler__eta", "alpha")   # a heat map per scheduler

``dask=None`` (the default) runs on joblib's local processes (loky);
``dask="local"`` starts a ``LocalCluster`` on 127.0.0.1; ``dask="tcp://HOST:8786"``
uses a running scheduler. Dask (``pip install -e ".[dask]"``) is imported only
when asked for.
"""

from rnn_nodes.sweep._parallel import dask_client
from rnn_nodes.sweep._plot import plot_sweep
from rnn_nodes.sweep._results import cell_params, grid_labels, param_label, sweep_report
from rnn_nodes.sweep._search import sweep

__all__ = ["sweep", "sweep_report", "plot_sweep", "param_label", "cell_params", "grid_labels",
           "dask_client"]
