"""Sweeps on local processes: failed cells, reports, heat maps, progress, argument errors."""

import json
import pathlib
import re
import sys
import types
import warnings

import joblib
import numpy as np
import pytest
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import TimeSeriesSplit

from rnn_nodes import RNNRegressor, sliding_windows
from rnn_nodes.sweep import param_label, plot_sweep, sweep, sweep_report
from rnn_nodes.sweep._parallel import sweep_backend
from schedulers import Adam, Constant, Momentum

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

README = pathlib.Path(__file__).resolve().parents[1] / "docs" / "guide" / "sweeps.md"


def sine_windows(n=200, window=10):
    series = np.sin(np.arange(n) / 6) + 0.05 * np.random.default_rng(0).standard_normal(n)
    return sliding_windows(series, window=window)


class Bar:
    """Counts ``update`` calls like a tqdm bar."""

    def __init__(self):
        self.n, self.calls = 0, 0

    def update(self, n):
        self.n += n
        self.calls += 1


# failures -----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_a_diverging_cell_is_reported_failed_and_the_others_succeed():
    X, y = sine_windows()
    estimator = RNNRegressor(hidden_layer_sizes=(3,), scheduler=Constant(eta=0.01), max_iter=2,
                             clip_norm=None, random_state=0)
    grid = {"scheduler__eta": [1e-2, 1e6], "alpha": [0.0, 1e-3]}  # eta 1e6 diverges unclipped
    with pytest.warns(FitFailedWarning, match="TrainingDivergedError"), \
            np.errstate(all="ignore"):
        search = sweep(estimator, grid, X, y, cv=TimeSeriesSplit(2), n_jobs=1)
    report = sweep_report(search)
    assert report["failed"] == [{"alpha": 0.0, "scheduler__eta": 1e6},
                                {"alpha": 1e-3, "scheduler__eta": 1e6}]
    for cell in report["cells"]:
        diverged = cell["params"]["scheduler__eta"] == 1e6
        assert (cell["n_failed"] > 0) == diverged  # any failed split fails the cell
        assert (cell["mean"] is None) == diverged  # NaN is written as None
        assert diverged or all(np.isfinite(cell["splits"]))
    assert report["best"]["params"]["scheduler__eta"] == 1e-2
    json.dumps(report, allow_nan=False)  # strict JSON


def fake_search(scores, error_score=np.nan):
    """A fitted search's results for a grid of eta x alpha, split scores as given."""
    scores = np.asarray(scores, dtype=float)
    params = [{"scheduler__eta": eta, "alpha": alpha} for eta in (0.1, 0.01) for alpha in (0, 1)]
    with np.errstate(all="ignore"):
        mean = scores.mean(axis=1)
    rank = np.argsort(np.argsort(-np.nan_to_num(mean, nan=-np.inf))) + 1
    return types.SimpleNamespace(error_score=error_score, scoring=None, cv_results_={
        "params": params, "mean_test_score": mean, "std_test_score": scores.std(axis=1),
        "split0_test_score": scores[:, 0], "split1_test_score": scores[:, 1],
        "rank_test_score": rank, "mean_fit_time": np.full(len(params), 0.5)})


def test_the_report_holds_every_cell_and_counts_failed_splits():
    search = fake_search([[0.5, 0.7], [np.nan, 0.2], [0.9, 0.8], [-1.0, -1.0]])
    report = sweep_report(search)
    assert [cell["params"] for cell in report["cells"]] == search.cv_results_["params"]
    assert report["cells"][0]["mean"] == pytest.approx(0.6)
    assert report["cells"][0]["std"] == pytest.approx(0.1)
    assert report["cells"][1]["splits"] == [None, 0.2]
    assert [cell["n_failed"] for cell in report["cells"]] == [0, 1, 0, 0]
    assert report["failed"] == [{"scheduler__eta": 0.1, "alpha": 1}]
    assert report["best"]["params"] == {"scheduler__eta": 0.01, "alpha": 0}
    # a numeric error_score marks the failed splits by its value
    numeric = sweep_report(fake_search([[0.5, 0.7], [-1.0, 0.2], [0.9, 0.8], [-1.0, -1.0]],
                                       error_score=-1.0))
    assert [cell["n_failed"] for cell in numeric["cells"]] == [0, 1, 0, 2]


def test_grid_values_are_labelled_for_json():
    assert param_label(Adam(), swept={"eta"}) == "Adam"
    assert param_label(Adam(eta=0.1)) == "Adam(eta=0.1)"
    assert param_label(Momentum(eta=0.1, momentum=0.5), swept={"eta"}) == "Momentum(momentum=0.5)"
    assert param_label(Constant(eta=0.1), swept={"eta"}) == "Constant"
    assert param_label(np.float32(0.5)) == 0.5 and param_label(np.int64(3)) == 3
    assert param_label((8, 4)) == [8, 4]
    assert param_label("adam") == "adam" and param_label(None) is None


# heat maps ----------------------------------------------------------------------------


def test_each_heat_map_puts_every_value_in_the_cell_of_its_parameters():
    momentum, adam = Momentum(eta=0.01), Adam()
    etas, alphas = [1e-3, 1e-2, 1e-1], [0.0, 1e-2]
    params = [{"scheduler": s, "scheduler__eta": eta, "alpha": alpha}
              for s in (momentum, adam) for eta in etas for alpha in alphas]
    values = 1.0 + np.arange(len(params)) / 100  # every cell distinct
    values[params.index({"scheduler": adam, "scheduler__eta": 1e-1, "alpha": 0.0})] = np.nan
    order = np.random.default_rng(0).permutation(len(params))  # any order of the results
    results = {"params": [params[i] for i in order], "mean_test_score": values[order]}

    maps = plot_sweep(results, "scheduler__eta", "alpha")

    first = "Momentum" if results["params"][0]["scheduler"] is momentum else "Adam"
    assert list(maps)[0] == first and set(maps) == {"Momentum", "Adam"}  # order of appearance
    for label, scheduler in (("Momentum", momentum), ("Adam", adam)):
        ax = maps[label]
        image = np.ma.filled(ax.images[0].get_array(), np.nan)
        assert image.shape == (len(alphas), len(etas))
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0.001", "0.01", "0.1"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "0.01"]
        texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
                 for t in ax.texts}
        mine = [i for i, p in enumerate(params) if p["scheduler"] is scheduler]
        for i in mine:
            column = etas.index(params[i]["scheduler__eta"])
            row = alphas.index(params[i]["alpha"])
            if np.isnan(values[i]):
                assert np.isnan(image[row, column])
                assert texts[column, row] == "failed"
            else:
                assert image[row, column] == values[i]
                assert texts[column, row] == f"{values[i]:.3g}"
        best = mine[int(np.nanargmax(values[mine]))]
        frame, = ax.patches
        assert frame.get_xy() == (etas.index(params[best]["scheduler__eta"]) - 0.5,
                                  alphas.index(params[best]["alpha"]) - 0.5)
    assert maps["Adam"].images[0].get_clim() == maps["Momentum"].images[0].get_clim()
    assert maps["Adam"].get_title() == "scheduler=Adam (best overall)"
    assert maps["Momentum"].get_title() == "scheduler=Momentum"


def test_heat_maps_of_a_fitted_sweep_by_nothing():
    X, y = sine_windows(n=120)
    search = sweep(RNNRegressor(hidden_layer_sizes=(2,), scheduler=Adam(), max_iter=1,
                                random_state=0),
                   {"scheduler__eta": [1e-3, 1e-2], "alpha": [0.0, 1e-3]}, X, y,
                   cv=TimeSeriesSplit(2), n_jobs=1)
    ax = plot_sweep(search, "scheduler__eta", "alpha", by=None)["all"]
    image = ax.images[0].get_array()
    for params, value in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        row = [0.0, 1e-3].index(params["alpha"])
        column = [1e-3, 1e-2].index(params["scheduler__eta"])
        assert image[row, column] == value


def test_n_iter_samples_cells_at_random():
    X, y = sine_windows(n=120)
    grid = {"scheduler__eta": [1e-3, 1e-2, 1e-1], "alpha": [0.0, 1e-3]}
    searches = [sweep(RNNRegressor(hidden_layer_sizes=(2,), scheduler=Adam(), max_iter=1,
                                   random_state=0),
                      grid, X, y, cv=TimeSeriesSplit(2), n_iter=3, random_state=1, n_jobs=1)
                for _ in range(2)]
    params = [search.cv_results_["params"] for search in searches]
    assert len(params[0]) == 3 and params[0] == params[1]  # random_state fixes the sample
    assert sweep_report(searches[0])["n_cells"] == 3


# progress and processes ---------------------------------------------------------------


def test_progress_counts_every_finished_call_on_this_process():
    bar = Bar()
    with sweep_backend(None, bar):
        out = joblib.Parallel(n_jobs=2)(joblib.delayed(abs)(-i) for i in range(12))
    assert out == list(range(12))
    assert bar.n == 12 and bar.calls > 1  # advanced batch by batch, not once at the end


def test_the_command_line_runs_a_local_sweep_without_dask(tmp_path, monkeypatch, capsys):
    from experiments.__main__ import main
    monkeypatch.setitem(sys.modules, "distributed", None)  # importing it would raise
    main(["sweep", "--quick", "--out", str(tmp_path)])
    assert "16/16" in capsys.readouterr().err  # the progress bar over the fits
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["n_cells"] == 8 and metrics["n_fits"] == 16 and metrics["task"] == "sine"
    assert metrics["grid"]["scheduler"] == ["Momentum", "Adam"]
    assert "TimeSeriesSplit" in metrics["cv"]
    assert all(cell["mean"] is not None and cell["std"] is not None for cell in metrics["cells"])
    assert (tmp_path / "heatmaps.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_readme_sweeps_section_runs(capsys):
    section = README.read_text().split("## Sweeps", 1)[1].split("\n## ", 1)[0]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reaches the workers: a warning there fails its fit
        exec(compile(code, str(README), "exec"), namespace)
    assert set(namespace["maps"]) == {"Momentum", "Adam"}
    assert namespace["report"]["n_cells"] == 8 and not namespace["report"]["failed"]
    assert "16/16" in capsys.readouterr().err


# arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, match", [
    ({"dask": 3}, TypeError, "`dask`"),
    ({"dask": "nowhere"}, ValueError, "`dask`.*'nowhere'"),
    ({"verbose": 2}, ValueError, "`verbose`"),
    ({"n_iter": 0}, ValueError, "`n_iter`"),
])
def test_bad_arguments_name_the_argument(kwargs, error, match):
    X, y = sine_windows(n=40)
    with pytest.raises(error, match=match):
        sweep(RNNRegressor(), {"alpha": [0.0]}, X, y, cv=2, **kwargs)


def test_without_dask_installed_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    X, y = sine_windows(n=40)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[dask\]"'):
        sweep(RNNRegressor(), {"alpha": [0.0]}, X, y, cv=2, dask="local")


def test_the_command_line_passes_dask_and_task_only_to_the_sweep(capsys):
    from experiments.__main__ import main
    with pytest.raises(SystemExit):
        main(["sine", "--dask", "local"])
    assert "--dask: the sine experiment takes no --dask" in capsys.readouterr().err
    with pytest.raises(ValueError, match="`task`.*'nope'"):
        main(["sweep", "--task", "nope"])
