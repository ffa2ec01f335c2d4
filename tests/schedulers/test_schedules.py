"""Learning-rate schedules: values worked by hand, their use in training, bad arguments."""

import math

import numpy as np
import pytest

from rnn_nodes import RNN
from schedulers import (
    SCHEDULERS,
    Adam,
    CosineDecay,
    ExponentialDecay,
    ReduceLROnPlateau,
    StepDecay,
    get_scheduler,
)

# factors worked by hand ----------------------------------------------------------------


def test_step_decay_by_hand():
    schedule = StepDecay(step_updates=3, gamma=0.1)
    assert [schedule.factor(u) for u in range(7)] == pytest.approx(
        [1, 1, 1, 0.1, 0.1, 0.1, 0.01], rel=1e-12)


def test_step_decay_with_warm_up_by_hand():
    schedule = StepDecay(step_updates=2, gamma=0.5, warmup_updates=4)
    # 1/4, 2/4, 3/4, 4/4, then the decay from its update 0
    assert [schedule.factor(u) for u in range(8)] == pytest.approx(
        [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 0.5, 0.5], rel=1e-12)


def test_exponential_decay_by_hand():
    smooth = ExponentialDecay(decay_updates=4, decay_rate=0.5)
    assert [smooth.factor(u) for u in (0, 2, 4, 8)] == pytest.approx(
        [1, 2 ** -0.5, 0.5, 0.25], rel=1e-12)
    stairs = ExponentialDecay(decay_updates=4, decay_rate=0.5, staircase=True)
    assert [stairs.factor(u) for u in (0, 3, 4, 7, 8)] == pytest.approx(
        [1, 1, 0.5, 0.5, 0.25], rel=1e-12)


def test_cosine_decay_by_hand():
    schedule = CosineDecay(decay_updates=4, alpha=0.2)
    # 0.2 + 0.8 * (1 + cos(pi u / 4)) / 2
    expected = [1.0, 0.2 + 0.4 * (1 + math.sqrt(0.5)), 0.6, 0.2 + 0.4 * (1 - math.sqrt(0.5)),
                0.2, 0.2]
    assert [schedule.factor(u) for u in range(6)] == pytest.approx(expected, rel=1e-12)


def test_cosine_decay_with_warm_up_by_hand():
    schedule = CosineDecay(decay_updates=2, warmup_updates=3)
    assert [schedule.factor(u) for u in range(7)] == pytest.approx(
        [1 / 3, 2 / 3, 1, 1, 0.5, 0, 0], abs=1e-12)


# in training ---------------------------------------------------------------------------


def small_net(scheduler, seed=0):
    net = RNN(cost="mse", scheduler=scheduler, seed=seed, dtype="float64")
    net.add_InputLayer(1)
    net.add_RNNLayer(3)
    net.add_DenseLayer(1)
    return net


def data(n=12, time=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, time, 1))
    return X, X.sum(axis=1)


class EtaLog:
    """Records the update rule's eta that each update uses (a callback after the schedule)."""

    def __init__(self):
        self.etas = []

    def on_train_begin(self, net, history):
        pass

    def on_batch_begin(self, net, update):
        self.etas.append(net.scheduler.eta)

    def on_epoch_end(self, net, epoch, history):
        return False

    def on_train_end(self, net, history, interrupted):
        pass


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_every_update_rule_follows_the_schedule(name):
    """Each update uses base_eta * factor(u), u counted over the run: 12 samples in
    batches of 4 are 3 updates per epoch."""
    scheduler = get_scheduler(name, eta=0.01)
    net = small_net(scheduler)
    schedule, log = StepDecay(step_updates=2, gamma=0.5), EtaLog()
    X, t = data()
    history = net.train(X, t, epochs=2, batch_size=4, callbacks=[schedule, log])
    assert log.etas == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025], rel=1e-12)
    assert history["lr"] == pytest.approx([0.005, 0.0025], rel=1e-12)  # each epoch's last
    # a second train continues the schedule from update 6
    net.train(X, t, epochs=1, batch_size=4, callbacks=[schedule, log])
    assert log.etas[6:] == pytest.approx([0.00125, 0.00125, 0.000625], rel=1e-12)


def test_a_schedule_changes_the_updates_as_a_changed_eta_would():
    """Training under ExponentialDecay equals training epoch by epoch with eta set by hand
    (one update per epoch: 8 samples, batch_size 8)."""
    X, t = data(n=8)
    scheduled = small_net(Adam(eta=0.02))
    scheduled.train(X, t, epochs=3, batch_size=8, shuffle=False,
                    callbacks=[ExponentialDecay(decay_updates=1, decay_rate=0.5)])
    by_hand = small_net(Adam(eta=0.02))
    for eta in (0.02, 0.01, 0.005):
        by_hand.scheduler.eta = eta
        by_hand.train(X, t, epochs=1, batch_size=8, shuffle=False)
    for a, b in zip(scheduled.layers, by_hand.layers):
        for key in a.params:
            np.testing.assert_array_equal(a.params[key], b.params[key])


def test_reduce_on_plateau_by_hand():
    """A made-up loss curve: reductions after `patience` epochs without a gain > tol,
    none during the cooldown, never below min_eta."""

    class Net:
        scheduler = Adam(eta=1.0)

    net, history = Net(), {"loss": []}
    schedule = ReduceLROnPlateau(factor=0.5, patience=2, tol=0.01, cooldown=1, min_eta=0.2)
    schedule.on_train_begin(net, history)
    etas = []
    for loss in [1.0, 0.5, 0.499, 0.498, 0.497, 0.496, 0.495, 0.3, 0.3, 0.3, 0.3, 0.3]:
        history["loss"].append(loss)
        schedule.on_epoch_end(net, len(history["loss"]), history)
        etas.append(net.scheduler.eta)
    # epochs 3, 4 gain < tol -> 0.5 after epoch 4; epoch 5 is the cooldown; 6, 7 bad ->
    # 0.25 (cooldown in 8, which also improves); 9, 10 bad -> 0.125, floored at min_eta 0.2
    assert etas == pytest.approx(
        [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2], rel=1e-12)
    assert schedule.n_reductions == 3


def test_reduce_on_plateau_in_training_monitors_a_recorded_entry():
    X, t = data()
    net = small_net(Adam(eta=0.01))
    with pytest.raises(ValueError, match="'val_loss'.*records"):
        net.train(X, t, epochs=1, batch_size=4,
                  callbacks=[ReduceLROnPlateau(monitor="val_loss")])
    history = net.train(X, t, epochs=3, batch_size=4,
                        callbacks=[ReduceLROnPlateau(monitor="loss", patience=1, tol=1e9)])
    # with tol=1e9 every epoch after the first (which sets the best) is a plateau: halved
    # after epochs 2 and 3; "lr" is the rate of each epoch's updates
    assert history["lr"] == pytest.approx([0.01, 0.01, 0.005], rel=1e-12)
    assert net.scheduler.eta == pytest.approx(0.0025, rel=1e-12)


def test_clone_and_repr():
    schedule = CosineDecay(decay_updates=10, alpha=0.1, warmup_updates=2)
    schedule.base_eta, schedule.n_updates = 0.5, 7
    copy = schedule.clone()
    assert copy == schedule and copy.base_eta is None and copy.n_updates == 0
    assert repr(schedule) == "CosineDecay(decay_updates=10, alpha=0.1, warmup_updates=2)"


@pytest.mark.parametrize("make, match", [
    (lambda: StepDecay(step_updates=0), "step_updates"),
    (lambda: StepDecay(step_updates=2.5), "step_updates"),
    (lambda: StepDecay(step_updates=2, gamma=1.5), "gamma"),
    (lambda: StepDecay(step_updates=2, gamma=0), "gamma"),
    (lambda: ExponentialDecay(decay_updates=2, decay_rate=float("nan")), "decay_rate"),
    (lambda: ExponentialDecay(decay_updates=2, staircase="yes"), "staircase"),
    (lambda: CosineDecay(decay_updates=2, alpha=-0.1), "alpha"),
    (lambda: CosineDecay(decay_updates=2, warmup_updates=-1), "warmup_updates"),
    (lambda: ReduceLROnPlateau(factor=1.0), "factor"),
    (lambda: ReduceLROnPlateau(patience=0), "patience"),
    (lambda: ReduceLROnPlateau(mode="up"), "mode"),
    (lambda: ReduceLROnPlateau(min_eta=-1), "min_eta"),
])
def test_bad_arguments_are_named(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_a_schedule_needs_a_base_rate():
    with pytest.raises(ValueError, match="base rate"):
        StepDecay(step_updates=2).learning_rate(0)
