"""Misspelt keyword arguments: the error lists the accepted names and the closest one.

Python's own ``TypeError: Adam.__init__() got an unexpected keyword argument
'lr'`` says what is wrong but not what to write instead. :func:`check_keywords`
wraps a function (a constructor, a ``fit``, a network method) so that an
unknown keyword raises a ``TypeError`` that names the accepted keywords and
the likeliest meant one: the closest spelling (:func:`difflib.get_close_matches`),
or the project's name for a word other libraries use (``lr`` is ``eta`` here).

The wrapper keeps the signature (``inspect.signature`` and scikit-learn's
``get_params`` read the wrapped function) and costs one set difference per
call, so it goes on entry points, never inside a training loop.
"""

import difflib
import functools
import inspect

SYNONYMS = {
    "lr": ("eta", "learning_rate"),
    "learning_rate": ("eta",),
    "learning_rate_init": ("learning_rate", "eta"),
    "step_size": ("eta", "learning_rate"),
    "alpha": ("eta",),
    "beta1": ("rho",),
    "beta_1": ("rho",),
    "beta2": ("rho2",),
    "beta_2": ("rho2",),
    "epsilon": ("eps",),
    "delta": ("eps",),
    "weight_decay": ("lmbd", "alpha"),
    "l2": ("lmbd", "alpha"),
    "lambda_": ("lmbd", "alpha"),
    "reg": ("lmbd", "alpha"),
    "hidden_size": ("n_features", "hidden_layer_sizes"),
    "units": ("n_features", "hidden_layer_sizes"),
    "num_units": ("n_features", "hidden_layer_sizes"),
    "n_hidden": ("n_features", "hidden_layer_sizes"),
    "hidden_layer_size": ("hidden_layer_sizes",),
    "input_size": ("n_features",),
    "output_size": ("n_features",),
    "epochs": ("max_iter", "epochs"),
    "n_epochs": ("epochs", "max_iter"),
    "num_epochs": ("epochs", "max_iter"),
    "max_epochs": ("epochs", "max_iter"),
    "random_state": ("seed",),
    "seed": ("random_state",),
    "rng": ("seed", "random_state"),
    "loss": ("cost",),
    "optimizer": ("scheduler",),
    "optimiser": ("scheduler",),
    "solver": ("scheduler",),
    "clip": ("clip_norm",),
    "clipnorm": ("clip_norm",),
    "clip_grad_norm": ("clip_norm",),
    "cell_type": ("cell",),
    "rnn_type": ("cell",),
    "nonlinearity": ("activation",),
    "validation_data": ("X_val",),
    "sequence_lengths": ("lengths",),
    "seq_lengths": ("lengths",),
    "mask": ("lengths",),
}
"""Other libraries' names -> the names they may mean here, most likely first."""


def closest_keyword(name, accepted):
    """The accepted keyword that ``name`` most likely means, or None.

    Parameters
    ----------
    name : str
        The keyword that was given.
    accepted : iterable of str
        The keywords the function takes.

    Returns
    -------
    str or None

    Examples
    --------
    >>> closest_keyword("lr", ["eta", "rho", "rho2", "delta"])
    'eta'
    >>> closest_keyword("activaton", ["n_features", "activation", "merge"])
    'activation'
    >>> closest_keyword("colour", ["eta"]) is None
    True
    """
    accepted = list(accepted)
    for meant in SYNONYMS.get(name.lower(), ()):
        if meant in accepted and meant != name:
            return meant
    close = difflib.get_close_matches(name, accepted, n=1, cutoff=0.6)
    if not close:
        lowered = {word.lower(): word for word in accepted}
        close = [lowered[w] for w in difflib.get_close_matches(name.lower(), list(lowered),
                                                               n=1, cutoff=0.6)]
    return close[0] if close else None


def unexpected_keyword_error(owner, name, accepted):
    """The ``TypeError`` for an unknown keyword ``name`` of ``owner``.

    Parameters
    ----------
    owner : str
        What was called, as the user wrote it (``"Adam()"``, ``"RNN.train()"``).
    name : str
        The unknown keyword.
    accepted : iterable of str
        The keywords ``owner`` takes.

    Returns
    -------
    TypeError

    Examples
    --------
    >>> print(unexpected_keyword_error("Adam()", "lr", ["eta", "rho", "rho2"]))
    Adam() got an unexpected keyword argument 'lr'; did you mean 'eta'? It accepts: eta, rho, rho2
    """
    accepted = list(accepted)
    meant = closest_keyword(name, accepted)
    hint = f"; did you mean {meant!r}?" if meant else "."
    return TypeError(f"{owner} got an unexpected keyword argument {name!r}{hint} "
                     f"It accepts: {', '.join(accepted) if accepted else 'no keywords'}")


def _keyword_names(function):
    """The names ``function`` accepts as keywords, or None if it takes ``**kwargs``."""
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return [p.name for p in parameters
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"]


def _display(function, args):
    """How the user wrote the call: ``Adam()``, ``RNN.train()``, ``scale()``."""
    qualname = function.__qualname__
    is_method = "." in qualname and next(iter(inspect.signature(function).parameters), "") == "self"
    if not is_method or not args:
        return f"{qualname}()"
    cls, name = type(args[0]).__name__, function.__name__
    return f"{cls}()" if name == "__init__" else f"{cls}.{name}()"


def check_keywords(function):
    """``function``, raising :func:`unexpected_keyword_error` for an unknown keyword.

    Parameters
    ----------
    function : callable
        A function or method without ``**kwargs`` (returned unchanged if it has them).

    Returns
    -------
    callable
        A wrapper with ``function``'s name, docstring and signature. The error
        names a method by the class of the object it was called on
        (``Adam()`` for a constructor, ``RNN.train()``).

    Examples
    --------
    >>> def scale(x, factor=2.0):
    ...     return x * factor
    >>> scale = check_keywords(scale)
    >>> scale(1.0, factr=3.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: scale() got an unexpected keyword argument 'factr'; did you mean 'factor'? ...
    """
    if getattr(function, "_checks_keywords", False):
        return function
    accepted = _keyword_names(function)
    if accepted is None:
        return function
    known = frozenset(accepted)

    @functools.wraps(function)
    def checked(*args, **kwargs):
        if kwargs and not known.issuperset(kwargs):
            unknown = next(name for name in kwargs if name not in known)
            raise unexpected_keyword_error(_display(function, args), unknown, accepted)
        return function(*args, **kwargs)

    checked._checks_keywords = True
    return checked


def check_keywords_of(cls, *names):
    """Wrap the methods ``names`` of ``cls`` (default ``__init__``) with :func:`check_keywords`.

    A method ``cls`` inherits is wrapped where it is defined, once. Returns
    ``cls``, so it also works as a class decorator.
    """
    for name in names or ("__init__",):
        for owner in cls.__mro__:
            if name in owner.__dict__:
                method = owner.__dict__[name]
                if callable(method) and not isinstance(method, type):
                    wrapped = check_keywords(method)
                    if wrapped is not method:
                        setattr(owner, name, wrapped)
                break
    return cls
