"""``sweep``: scikit-learn's GridSearchCV / RandomizedSearchCV on local processes or on Dask."""

import sys

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import (
    GridSearchCV, ParameterGrid, ParameterSampler, RandomizedSearchCV, check_cv,
)
from tqdm.auto import tqdm

from rnn_nodes.sweep._parallel import check_dask, sweep_backend
from rnn_nodes.validation import check_positive_int


def sweep(estimator, param_grid, X, y, *, cv=5, n_iter=None, scoring=None,
          error_score=np.nan, refit=False, random_state=None, n_jobs=-1, dask=None,
          n_workers=None, verbose=0):
    """Cross-validate every cell of a grid (or ``n_iter`` random cells) in parallel.

    A thin layer over scikit-learn: it builds a :class:`~sklearn.model_selection.GridSearchCV`
    (or :class:`~sklearn.model_selection.RandomizedSearchCV` with ``n_iter``)
    and fits it under ``joblib.parallel_config``, on joblib's local processes
    (loky) or on a Dask cluster.

    Parameters
    ----------
    estimator : estimator
        E.g. ``RNNRegressor(scheduler=Adam(), max_iter=50, random_state=0)``;
        cloned for every fit.
    param_grid : dict or list of dict
        E.g. ``{"scheduler": [Momentum(eta=0.01), Adam()], "scheduler__eta":
        [1e-3, 1e-2], "alpha": [0.0, 1e-3]}``. To search ``scheduler__eta`` the
        ``scheduler`` values must be scheduler objects (a name has no ``eta``
        to set); with names, search ``learning_rate``. With ``n_iter``: the
        ``param_distributions`` of the randomized search.
    X : array-like of shape (n_samples, time, features) or (n_samples, time)
    y : array-like of shape (n_samples, ...)
    cv : int, cross-validation generator or iterable, default=5
        As for ``GridSearchCV``; for windows of one series use
        ``TimeSeriesSplit`` (training folds always precede their test fold).
        The splits are computed once, here, and the search receives them as a
        list of ``(train, test)`` index arrays.
    n_iter : int, optional
        Sample this many cells at random (``RandomizedSearchCV``).
    scoring : str or callable, optional
        One metric; default the estimator's ``score`` (R², accuracy).
    error_score : float or "raise", default=np.nan
        The score of a fit that raises, e.g. with
        :class:`~rnn_nodes.TrainingDivergedError`: the sweep goes on and
        :func:`sweep_report` lists the cell as failed.
    refit : bool, default=False
        Refit the best cell on all of ``X`` (on the client, after the sweep).
    random_state : int, optional
        Seeds the sampling of ``n_iter`` cells.
    n_jobs : int, default=-1
        Fits at a time: -1 is every core (loky) or every worker thread (Dask).
    dask : None, "local", str or distributed.Client, optional
        None: local processes (loky). ``"local"``: a ``LocalCluster`` of
        ``n_workers`` single-threaded processes on 127.0.0.1, closed after the
        sweep. An address such as ``"tcp://HOST:8786"``: a running scheduler.
        Needs ``pip install -e ".[dask]"``.
    n_workers : int, optional
        Workers of the local cluster; default ``os.cpu_count()``.
    verbose : {0, 1}, default=0
        1 draws a progress bar over the finished fits on stderr, advanced on
        this process as results come back. With ``n_jobs=1`` joblib runs the
        fits here without a backend and the bar fills at the end.

    Returns
    -------
    GridSearchCV or RandomizedSearchCV
        Fitted; ``cv_results_`` holds every cell (see :func:`sweep_report`).

    Raises
    ------
    ValueError
        If every fit failed (scikit-learn's message shows the errors).

    Notes
    -----
    With Dask, ``X``, ``y`` and the split indices go to the cluster once, as
    results of tasks the scheduler can run again. A worker that dies takes
    its running fits and its copies of the data with it; the scheduler runs
    them again on the other workers (and on the replacement the nanny
    starts), so every cell ends with a score.
    """
    dask = check_dask(dask)
    if isinstance(verbose, bool) or verbose not in (0, 1):
        raise ValueError(
            f"Received an invalid value for argument `verbose`, expected 0 or 1, got {verbose!r}")
    X, y = np.asarray(X), np.asarray(y)
    splits = [(np.asarray(train), np.asarray(test)) for train, test in
              check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y)]
    options = dict(scoring=scoring, n_jobs=n_jobs, refit=refit, cv=splits,
                   error_score=error_score)
    if n_iter is None:
        search = GridSearchCV(estimator, param_grid, **options)
        n_cells = len(ParameterGrid(param_grid))
    else:
        n_iter = check_positive_int(n_iter, "n_iter")
        search = RandomizedSearchCV(estimator, param_grid, n_iter=n_iter,
                                    random_state=random_state, **options)
        n_cells = len(ParameterSampler(param_grid, n_iter, random_state=random_state))
    data = [X, y, *(indices for split in splits for indices in split)]
    with tqdm(total=n_cells * len(splits), unit="fit", desc="sweep", file=sys.stderr,
              disable=verbose != 1, dynamic_ncols=True) as bar:
        with sweep_backend(dask, bar, data=data, n_workers=n_workers):
            search.fit(X, y)
        bar.update(bar.total - bar.n)  # n_jobs=1: joblib ran the fits without the backend
    return search
