"""The experiments by name."""

from experiments import sine

EXPERIMENTS = {
    "sine": sine,
}
