"""Paths: checked as given, saved to atomically, opened for reading without surprises.

Saving does what the path says:

- ``str``, ``bytes`` and ``os.PathLike`` are accepted alike; ``""`` is refused;
- a symbolic link is followed: its target is replaced, the link stays;
- the target is written whole to a temporary file next to it, ``.rnn-nodes-<random>.tmp``
  (short, so any legal file name works), flushed to disk and renamed over the target
  (``os.replace``): a crash at any moment leaves the previous file whole;
- a path that exists and is not a regular file (a folder, a named pipe, a device) is
  refused, and so is a file the caller may not write (``chmod a-w``): replacing it would
  succeed, as renaming needs only the folder's permission, but would not be what a
  write-protected file asks for;
- a replaced file keeps its permissions; a new one gets those ``open`` would give it;
- every error names the path the caller gave, never the temporary file.
"""

import contextlib
import errno
import os
import stat
import tempfile

from rnn_nodes.persistence.errors import ModelFileError

TEMPORARY_PREFIX = ".rnn-nodes-"
TEMPORARY_SUFFIX = ".tmp"


def checked_path(path, argument="path"):
    """``path`` as the file system takes it, and as messages show it.

    Parameters
    ----------
    path : str, bytes or os.PathLike
    argument : str, default="path"
        The argument's name, for messages.

    Returns
    -------
    fs_path : str or bytes
    shown : str

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    ValueError
        If it is empty or holds a NUL character.
    """
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, (str, bytes)):
        raise TypeError(f"Received an invalid value for argument `{argument}`, expected a "
                        f"file path (str, bytes or os.PathLike), got "
                        f"{type(path).__name__}: {path!r}")
    if not path:
        raise ValueError(f"Received an invalid value for argument `{argument}`, expected a "
                         f"file path, got {path!r}")
    if (b"\0" if isinstance(path, bytes) else "\0") in path:
        raise ValueError(f"Received an invalid value for argument `{argument}`, expected a "
                         f"file path, got {path!r}, which holds a NUL character")
    return path, path if isinstance(path, str) else os.fsdecode(path)


_KINDS = {stat.S_IFIFO: "named pipe (FIFO)", stat.S_IFCHR: "character device",
          stat.S_IFBLK: "block device", stat.S_IFSOCK: "socket"}


def _renamed(error, shown, doing="save to"):
    """``error`` (an OSError) naming the caller's path instead of whatever it named."""
    return OSError(error.errno, f"Cannot {doing} {shown}: {error.strerror or error}", shown)


def _writable_target(fs_path, shown):
    """The file that saving to ``fs_path`` replaces (a link's target), checked."""
    target = os.path.realpath(fs_path)  # follows every link; a dangling one gives its target
    try:
        status = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as error:  # a loop of links, a name too long
        raise _renamed(error, shown) from error
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, f"Cannot save to {shown}: it is a folder",
                                    shown)
        if not stat.S_ISREG(status.st_mode):
            kind = _KINDS.get(stat.S_IFMT(status.st_mode), "special file")
            raise ValueError(f"Cannot save to {shown}: it is a {kind}, not a regular file; "
                             "give the path of a file")
        effective = {"effective_ids": True} if os.access in os.supports_effective_ids else {}
        if not os.access(target, os.W_OK, **effective):
            raise PermissionError(errno.EACCES, f"Cannot save to {shown}: the file is "
                                  "write-protected (make it writable, or save elsewhere)",
                                  shown)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"Cannot save to {shown}: there is no folder "
                                f"{os.fsdecode(folder)}", shown)
    return target


def _temporary_in(folder):
    prefix, suffix = TEMPORARY_PREFIX, TEMPORARY_SUFFIX
    if isinstance(folder, bytes):
        prefix, suffix = os.fsencode(prefix), os.fsencode(suffix)
    return tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)


def check_writable(path, argument="path"):
    """Raise now what saving to ``path`` would raise (for a checkpoint, before training).

    Runs the checks of :func:`atomic_write` and creates, then removes, a temporary
    file next to the target.

    Raises
    ------
    TypeError, ValueError
        See :func:`checked_path`; ValueError also for a path that is not a regular file.
    FileNotFoundError, PermissionError, IsADirectoryError, OSError
        Naming ``path``: no such folder, a write-protected file or folder, a folder.
    """
    fs_path, shown = checked_path(path, argument)
    target = _writable_target(fs_path, shown)
    try:
        handle, temporary = _temporary_in(os.path.dirname(target))
    except OSError as error:
        raise _renamed(error, shown) from error
    os.close(handle)
    os.unlink(temporary)


def atomic_write(path, data, argument="path"):
    """Write ``data`` to ``path`` atomically (see the module docstring).

    Parameters
    ----------
    path : str, bytes or os.PathLike
        Written exactly as given (no suffix added).
    data : bytes
    argument : str, default="path"

    Raises
    ------
    See :func:`check_writable`.
    """
    fs_path, shown = checked_path(path, argument)
    target = _writable_target(fs_path, shown)
    folder = os.path.dirname(target)
    try:
        handle, temporary = _temporary_in(folder)
    except OSError as error:
        raise _renamed(error, shown) from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _file_mode(target))  # mkstemp makes it private (0600)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _renamed(error, shown) from error
        raise
    _sync_folder(folder)


def _file_mode(path):
    """The permissions of the file being replaced, or those ``open`` would give a new one."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder):
    """Flush the folder's entry of the renamed file, where the file system allows it."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


@contextlib.contextmanager
def opened(path, argument="path"):
    """Open a regular file for reading: ``(file, size, shown)``.

    A named pipe is not waited on (it would block forever) but refused.

    Raises
    ------
    FileNotFoundError, PermissionError, IsADirectoryError
        Naming ``path``.
    ModelFileError
        If ``path`` is a named pipe, a device or a socket.
    """
    fs_path, shown = checked_path(path, argument)
    handle = os.open(fs_path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(handle)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, f"Cannot load {shown}: it is a folder", shown)
        if not stat.S_ISREG(status.st_mode):
            kind = _KINDS.get(stat.S_IFMT(status.st_mode), "special file")
            raise ModelFileError(shown, f"it is a {kind}, not a regular file")
        os.set_blocking(handle, True)
    except BaseException:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb") as file:
        yield file, status.st_size, shown
