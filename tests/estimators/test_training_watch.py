"""The low-level training loop: verbose levels, callbacks, early stopping, metrics, Ctrl-C."""

import numpy as np
import pytest

from rnn_nodes import RNN, Callback, EarlyStopping, TrainingInterruptedWarning


def network_and_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((24, 4, 1))
    net = RNN(seed=seed).add_InputLayer(1).add_RNNLayer(4).add_DenseLayer(1)
    return net, X, X.sum(axis=1)


def params_of(net):
    return [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]


def same_params(a, b):
    return all(np.array_equal(x[k], y[k]) for x, y in zip(a, b) for k in x)


class Recorder(Callback):
    """Keeps the weights after every epoch; raises KeyboardInterrupt where told."""

    def __init__(self, interrupt_after=None):
        self.weights, self.ended, self.interrupt_after = [], None, interrupt_after

    def on_epoch_end(self, net, epoch, history):
        self.weights.append(params_of(net))
        if epoch == self.interrupt_after:
            raise KeyboardInterrupt
        return False

    def on_train_end(self, net, history, interrupted):
        self.ended = interrupted


def test_verbose_0_1_2(capsys):
    net, X, t = network_and_data()
    net.train(X, t, epochs=2, batch_size=8, verbose=0)
    assert capsys.readouterr() == ("", "")
    net.train(X, t, X, t, epochs=2, batch_size=8, verbose=1)
    out, err = capsys.readouterr()
    assert out == "" and "2/2" in err and "val_loss=" in err
    net.train(X, t, epochs=2, batch_size=8, verbose=2)
    out, err = capsys.readouterr()
    assert out.startswith("epoch 1/2: loss ") and out.count("\n") == 2 and err == ""
    with pytest.raises(ValueError, match="`verbose`.*got 3"):
        net.train(X, t, verbose=3)


def test_early_stopping_callback_stops_and_restores_the_best_weights():
    net, X, t = network_and_data()
    recorder = Recorder()
    stopper = EarlyStopping(monitor="val_loss", patience=2, tol=1e9)  # nothing counts as better
    history = net.train(X, t, X, t, epochs=20, batch_size=8, callbacks=[recorder, stopper])
    assert len(history["loss"]) == 3 and stopper.stopped_epoch == 3
    best = int(np.argmin(history["val_loss"]))
    assert stopper.best_epoch == best + 1
    assert same_params(params_of(net), recorder.weights[best])
    assert recorder.ended is False


def test_early_stopping_names_what_it_cannot_monitor():
    net, X, t = network_and_data()
    with pytest.raises(ValueError, match="monitors 'val_loss'.*records \\['loss', 'time'\\]"):
        net.train(X, t, batch_size=8, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="`mode`.*got 'up'"):
        EarlyStopping(mode="up")


def test_metrics_are_recorded_on_training_and_validation_outputs():
    net, X, t = network_and_data()
    history = net.train(X, t, X[:6], t[:6], epochs=2, batch_size=8,
                        metrics={"mae": lambda y_hat, t_: np.mean(np.abs(y_hat - t_))})
    assert set(history) == {"loss", "val_loss", "mae", "val_mae", "time"}
    assert history["val_mae"][-1] == pytest.approx(np.mean(np.abs(net.predict(X[:6]) - t[:6])))


@pytest.mark.parametrize("where", ["in a batch", "after an epoch"])
def test_ctrl_c_keeps_the_complete_epochs(monkeypatch, where):
    net, X, t = network_and_data()
    recorder = Recorder(interrupt_after=3 if where == "after an epoch" else None)
    if where == "in a batch":
        original, calls = RNN.train_step, []

        def train_step(self, X_batch, t_batch, lengths=None):
            calls.append(1)
            if len(calls) == 3 * 3 + 2:  # the second batch of the fourth epoch
                raise KeyboardInterrupt
            return original(self, X_batch, t_batch, lengths=lengths)

        monkeypatch.setattr(RNN, "train_step", train_step)
    with pytest.warns(TrainingInterruptedWarning, match="after 3 complete epoch"):
        history = net.train(X, t, X, t, epochs=10, batch_size=8, callbacks=[recorder])
    assert all(len(values) == 3 for values in history.values())
    assert recorder.ended is True
    # the weights are those at the end of the third epoch, the last one in the history
    assert same_params(params_of(net), recorder.weights[2])
    assert history["val_loss"][-1] == pytest.approx(net.cost_value(X, t), rel=1e-6)


def test_early_stopping_never_takes_an_undefined_value_as_best():
    net, X, t = network_and_data()
    before = params_of(net)
    values = iter([np.nan, 2.0, np.nan, 1.0, 1.0, 1.0])
    stopper = EarlyStopping(monitor="odd", patience=2, tol=0.0)
    net.train(X, t, epochs=10, batch_size=8, callbacks=[stopper],
              metrics={"odd": lambda y_hat, t_: next(values)})
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (1.0, 4, 6)
    assert not same_params(params_of(net), before)
