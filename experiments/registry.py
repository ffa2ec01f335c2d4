"""The experiments by name."""

from experiments import (
    mackey_glass, mnist_rows, ode, parity, schedulers_study, sine, sweep, vanishing, weather,
)
from experiments import stream, varlen
from experiments import adding, defaults, digits, mnist1d_study, ucr

EXPERIMENTS = {
    "sine": sine,
    "ode": ode,
    "weather": weather,
    "parity": parity,
    "vanishing": vanishing,
    "schedulers": schedulers_study,
    "mackey-glass": mackey_glass,
    "mnist-rows": mnist_rows,
    "sweep": sweep,
    "stream": stream,
    "varlen": varlen,
    "digits": digits,
    "mnist1d": mnist1d_study,
    "adding": adding,
    "ucr": ucr,
    "defaults": defaults,
}
