"""Plots render to PNG files and draw the data they were given."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.model_selection import GridSearchCV

from rnn_nodes import RNNClassifier, RNNRegressor
from rnn_nodes.plotting import (
    plot_grid_search,
    plot_history,
    plot_predictions,
    plot_training_curves,
)
from schedulers import Adam

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PNG = b"\x89PNG\r\n\x1a\n"


def save(ax, path):
    ax.figure.savefig(path, dpi=50)
    assert path.read_bytes().startswith(PNG) and path.stat().st_size > 1000


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_training_curves_of_a_regressor(tmp_path):
    X = np.random.default_rng(0).standard_normal((40, 5))
    model = RNNRegressor(hidden_layer_sizes=(4,), max_iter=4, random_state=0).fit(
        X, X.sum(axis=1), validation_data=(X[:10], X[:10].sum(axis=1)))
    ax = plot_training_curves(model)
    save(ax, tmp_path / "curves.png")
    assert len(ax.figure.axes) == 1  # no score panel for a regressor
    lines = lines_by_label(ax)
    np.testing.assert_array_equal(lines["loss"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(lines["loss"].get_ydata(), model.history_["loss"])
    np.testing.assert_array_equal(lines["val_loss"].get_ydata(), model.history_["val_loss"])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"


def test_training_curves_of_a_classifier_have_an_accuracy_panel(tmp_path):
    X = np.random.default_rng(0).standard_normal((40, 5))
    model = RNNClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(
        X, X.sum(axis=1) > 0)
    ax = plot_training_curves(model, log_scale=False)
    save(ax, tmp_path / "curves.png")
    loss_ax, score_ax = ax.figure.axes
    assert loss_ax is ax and ax.get_yscale() == "linear"
    assert score_ax.get_ylabel() == "accuracy"
    np.testing.assert_array_equal(lines_by_label(score_ax)["score"].get_ydata(),
                                  model.history_["score"])
    assert "val_score" not in lines_by_label(score_ax)  # no validation: nothing drawn


def test_training_curves_on_a_given_axes_and_a_network_history(tmp_path):
    ax = Figure().subplots()
    history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.8], "accuracy": [0.5, 0.75],
               "time": [0.1, 0.1]}
    assert plot_training_curves(history, ax=ax) is ax
    save(ax, tmp_path / "curves.png")
    assert len(ax.figure.axes) == 2
    np.testing.assert_array_equal(lines_by_label(ax.figure.axes[1])["accuracy"].get_ydata(),
                                  [0.5, 0.75])
    assert plot_history(history, keys=("loss",)).get_legend().get_texts()[0].get_text() == "loss"


def test_predictions_with_an_extrapolated_tail(tmp_path):
    target = np.sin(np.arange(30) / 3)
    prediction = target + 0.1
    ax = plot_predictions(target, prediction[:, None], n_observed=20)
    save(ax, tmp_path / "predictions.png")
    lines = lines_by_label(ax)
    np.testing.assert_array_equal(lines["target"].get_ydata(), target)
    np.testing.assert_array_equal(lines["prediction"].get_xdata(), np.arange(20))
    np.testing.assert_array_equal(lines["extrapolation"].get_ydata(), prediction[20:])
    assert lines["extrapolation"].get_linestyle() == "--"
    boundary = [line for label, line in lines.items() if label.startswith("_")][0]
    assert boundary.get_xdata()[0] == 19.5  # the dotted line between seen and extrapolated
    with pytest.raises(ValueError, match=r"`prediction` must be one series.*y\[0, :, 0\]"):
        plot_predictions(target, np.zeros((30, 2)))


def test_grid_search_heat_map_fills_cells_by_lookup(tmp_path):
    X = np.random.default_rng(0).standard_normal((30, 4))
    search = GridSearchCV(
        RNNRegressor(hidden_layer_sizes=(3,), scheduler=Adam(), max_iter=2, random_state=0),
        {"alpha": [0.1, 0.0], "scheduler__eta": [0.03, 0.001, 0.01]}, cv=2,
    ).fit(X, X.sum(axis=1))
    ax = plot_grid_search(search, "scheduler__eta", "alpha")
    save(ax, tmp_path / "grid.png")
    grid = ax.get_images()[0].get_array()
    assert grid.shape == (2, 3)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.001", "0.01", "0.03"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "0.1"]
    for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        row = [0.0, 0.1].index(params["alpha"])
        column = [0.001, 0.01, 0.03].index(params["scheduler__eta"])
        assert grid[row, column] == pytest.approx(score)
    assert ax.get_xlabel() == "scheduler__eta" and ax.get_ylabel() == "alpha"


def test_grid_search_heat_map_refuses_a_third_varying_parameter():
    results = {"params": [{"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 2}],
               "mean_test_score": [0.1, 0.2]}
    with pytest.raises(ValueError, match="share the cell a=1, b=1"):
        plot_grid_search(results, "a", "b")
    with pytest.raises(ValueError, match="Parameter 'd' is not in every parameter set"):
        plot_grid_search(results, "a", "d")
