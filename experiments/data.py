"""Where the experiments that read files find them: ``--data PATH``, or a default folder.

Nothing is downloaded. Without ``--data``, a file is looked up under

1. the folder named by the environment variable ``RNN_NODES_DATA``, then
2. ``../shared/data`` next to the repository (the project's shared folder).
"""

import os
import pathlib

ENV_VARIABLE = "RNN_NODES_DATA"
REPOSITORY = pathlib.Path(__file__).resolve().parents[1]


def data_folders():
    """The default folders, in the order they are searched; list of Path."""
    folders = []
    if os.environ.get(ENV_VARIABLE):
        folders.append(pathlib.Path(os.environ[ENV_VARIABLE]))
    folders.append(REPOSITORY.parent / "shared" / "data")
    return folders


def find_default(name):
    """The first default folder's ``name`` that exists, or None.

    Parameters
    ----------
    name : str
        A file or folder name relative to a data folder, e.g.
        ``"clean_weather.csv"`` or ``"mnist"``.
    """
    for folder in data_folders():
        if (folder / name).exists():
            return folder / name
    return None


def resolve_data(data, name, experiment):
    """The path an experiment reads: ``data`` if given, else the default ``name``.

    Parameters
    ----------
    data : str or path-like or None
        What the user passed with ``--data``.
    name : str
        The default file or folder name (see :func:`find_default`).
    experiment : str
        The experiment's name, for the error message.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        Saying where it looked and how to pass the path.
    """
    if data is not None:
        path = pathlib.Path(data)
        if not path.exists():
            raise FileNotFoundError(f"--data: no such file or folder: '{path}'")
        return path
    found = find_default(name)
    if found is None:
        looked = ", ".join(f"'{folder / name}'" for folder in data_folders())
        raise FileNotFoundError(
            f"The {experiment} experiment reads '{name}' and did not find it (looked in "
            f"{looked}). Pass its path: python -m experiments {experiment} --data PATH, "
            f"or set {ENV_VARIABLE} to the folder that holds it."
        )
    return found
