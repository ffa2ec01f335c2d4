"""The estimators' hyperparameters and data checked, as fit reads them.

A part of :class:`~rnn_nodes.estimators.base.BaseRNNEstimator` (which inherits it).
"""

import numbers

import numpy as np
from sklearn.utils.validation import _check_feature_names

from rnn_nodes.estimators import _checks as checks
from rnn_nodes.estimators import _training_rules as rules
from rnn_nodes.estimators._cells import cell_builder
from rnn_nodes.schedulers import Scheduler
from rnn_nodes.sequences import is_ragged
from rnn_nodes.validation import (
    check_bool,
    check_dtype,
    check_non_negative_float,
    check_positive_int,
)


class ParameterChecks:
    """Hyperparameters and data checked as fit reads them; a part of the estimators' base class."""

    def _checked_params(self):
        """The hyperparameters, validated; the estimator itself is never changed."""
        verbose = self.verbose
        if isinstance(verbose, bool) or verbose not in (0, 1, 2):
            raise ValueError(
                "Received an invalid value for argument `verbose`, expected 0, 1 or 2, "
                f"got {verbose!r}")
        if self.random_state is not None and not isinstance(
                self.random_state, (numbers.Integral, np.random.RandomState)):
            raise TypeError(
                "Received an invalid value for argument `random_state`, expected None, "
                f"an int or a numpy RandomState, got {self.random_state!r}")
        if isinstance(self.random_state, numbers.Integral) and not (
                0 <= self.random_state < 2**32):
            raise ValueError(
                "Received an invalid value for argument `random_state`, expected an int "
                f"in [0, 2**32), got {self.random_state}")
        if not isinstance(self.scheduler, (str, Scheduler)):
            raise TypeError(
                "Received an invalid value for argument `scheduler`, expected a name "
                f"or a Scheduler, got {type(self.scheduler).__name__}: {self.scheduler!r}")
        cell_builder(self.cell)
        return {
            "hidden_layer_sizes": checks.check_layer_sizes(
                self.hidden_layer_sizes, "hidden_layer_sizes", allow_empty=False),
            "dense_layer_sizes": checks.check_layer_sizes(
                self.dense_layer_sizes, "dense_layer_sizes", allow_empty=True),
            "return_sequences": check_bool(self.return_sequences, "return_sequences"),
            "learning_rate": checks.check_optional_positive_float(
                self.learning_rate, "learning_rate"),
            "alpha": check_non_negative_float(self.alpha, "alpha"),
            "learning_rate_schedule": rules.check_schedule(self.learning_rate_schedule),
            "batch_size": rules.check_batch_size(self.batch_size),
            "max_iter": check_positive_int(self.max_iter, "max_iter"),
            "shuffle": check_bool(self.shuffle, "shuffle"),
            "clip_norm": checks.check_optional_positive_float(self.clip_norm, "clip_norm"),
            "tol": check_non_negative_float(self.tol, "tol"),
            "n_iter_no_change": check_positive_int(self.n_iter_no_change, "n_iter_no_change"),
            "n_updates_no_change": rules.check_optional_count(self.n_updates_no_change,
                                                              "n_updates_no_change"),
            "early_stopping": check_bool(self.early_stopping, "early_stopping"),
            "validation_fraction": checks.check_fraction(
                self.validation_fraction, "validation_fraction"),
            "validation_split": checks.check_choice(
                self.validation_split, "validation_split", ("tail", "shuffle")),
            "warm_start": check_bool(self.warm_start, "warm_start"),
            "verbose": int(verbose),
            "dtype": str(check_dtype(self.dtype)),
        }

    def _check_X(self, X, reset, name="X"):
        X3 = checks.check_sequences(X, name)
        if reset:
            self.n_features_in_ = X3.shape[1]
            self.n_features_per_step_ = X3.shape[2]
            return X3
        if X3.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{name} has {X3.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input: X.shape[1] counts time steps, "
                f"and the estimator reads series of the {self.n_features_in_} steps it was "
                "fitted on (its network, network_, predicts any length)"
                + (f"; channels-first data (n_samples, features, time)? Pass "
                   f"rnn_nodes.from_channels_first({name})"
                   if X3.ndim == 3 and X3.shape[2] == self.n_features_in_ else ""))
        if X3.shape[2] != self.n_features_per_step_:
            raise ValueError(
                f"Argument `{name}` has {X3.shape[2]} features per time step (shape "
                f"{np.shape(X)}), but {type(self).__name__} was fitted with "
                f"{self.n_features_per_step_}; a 2-D array is read as univariate "
                "series (n_samples, time)")
        return X3

    def _check_X_lengths(self, X, lengths, reset, name="X"):
        """``(X, lengths)``: a list of sequences, or a padded ``X`` with ``lengths``, padded
        into ``(n_samples, time, features)``; any number of steps. Else ``_check_X``.
        The columns of a DataFrame ``X`` are ``feature_names_in_``, checked as
        scikit-learn checks them (same names, same order) when not ``reset``."""
        if name == "X":
            _check_feature_names(self, X, reset=reset)
        if lengths is None and not is_ragged(X):
            return self._check_X(X, reset, name), None
        X3, lengths = checks.check_padded_sequences(X, lengths, name)
        if reset:
            self.n_features_in_, self.n_features_per_step_ = X3.shape[1], X3.shape[2]
        elif X3.shape[2] != self.n_features_per_step_:
            raise ValueError(
                f"Argument `{name}` has {X3.shape[2]} features per time step, but "
                f"{type(self).__name__} was fitted with {self.n_features_per_step_}")
        return X3, lengths
