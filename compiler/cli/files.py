"""Files named on the command line (``--output-file``, ``report -o``, ``plan
--full-output``), written so that a pull request cannot redirect them."""

from __future__ import annotations

import os


def write_file(name: str, content: bytes) -> None:
    """Write ``content`` to the file ``name`` given on the command line, never through a link.

    The CI owner chooses the folders of ``name``; its last component may be something a
    pull request committed (``findings.txt`` as a symlink to a file outside the
    repository). So an existing ``name`` that is a symlink or not a regular file is refused
    (:class:`~mlopsc.errors.MlopscError`, exit 2), and the bytes go to a new file beside it
    that is then renamed onto ``name``: a rename replaces a symlink planted after the check,
    it never writes through it. An existing file keeps its permission bits.
    """
    from mlopsc.errors import MlopscError

    mode = _existing_mode(name)
    folder = os.path.dirname(name) or "."
    try:
        temp, handle = _temp_beside(folder, os.path.basename(name))
    except OSError as error:
        raise MlopscError(f"cannot write {name}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, name)
    except OSError as error:
        _remove(temp)
        raise MlopscError(f"cannot write {name}: {error.strerror or error}") from None
    except BaseException:
        _remove(temp)
        raise


def _existing_mode(name: str) -> int | None:
    """The permission bits of the regular file ``name``; ``None`` when there is none yet."""
    import stat

    from mlopsc.errors import MlopscError

    try:
        found = os.lstat(name)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise MlopscError(f"cannot write {name}: {error.strerror or error}") from None
    if stat.S_ISLNK(found.st_mode):
        raise MlopscError(f"refusing to write {name}: it is a symbolic link, which mlopsc "
                          "never writes through; delete it or name another file")
    if not stat.S_ISREG(found.st_mode):
        kind = "a directory" if stat.S_ISDIR(found.st_mode) else "not a regular file"
        raise MlopscError(f"refusing to write {name}: it is {kind}")
    return stat.S_IMODE(found.st_mode)


def _temp_beside(folder: str, base: str) -> tuple[str, int]:
    """A new, empty file ``.BASE.<16 hex>.mlopsc-tmp`` in ``folder``, opened for writing."""
    import secrets

    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    for attempt in range(100):
        temp = os.path.join(folder, f".{base}.{secrets.token_hex(8)}.mlopsc-tmp")
        try:  # 0o666: the umask decides, as for any file the user creates
            return temp, os.open(temp, flags, 0o666)
        except FileExistsError:
            if attempt == 99:
                raise
    raise AssertionError("unreachable")


def _remove(path: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(path)
