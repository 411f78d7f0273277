"""Reading files a pull request controls: regular files only, bounded, never blocking.

A spec is untrusted input (see ``docs/security.md``). Every file mlopsc reads on its
behalf goes through :func:`read_regular`: it opens the file without blocking (a FIFO or a
terminal would otherwise wait forever), checks the *opened* descriptor with ``fstat`` (so
nothing can swap the file between a check and the read), refuses anything but a regular
file, and reads at most ``max_bytes + 1`` bytes.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "a.yaml"), "w") as f:
...     _ = f.write("a: 1\\n")
>>> read_regular(os.path.join(folder, "a.yaml"), 100)
b'a: 1\\n'
>>> read_regular(folder, 100)
Traceback (most recent call last):
...
mlopsc.reading.safe_read.NotRegular: it is a directory
"""

from __future__ import annotations

import errno
import os
import stat

MAX_BYTES = 64 * 1024 * 1024
"""Default limit of one file, and of all files of one spec together (``--max-bytes``)."""
HARD_MAX_BYTES = 1024 * 1024 * 1024
"""The largest ``--max-bytes`` accepted."""
_SPECIAL_TREES = ("/proc", "/sys", "/dev")
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class NotRegular(OSError):
    """The path names something other than a regular file (a FIFO, a device, /proc...)."""


class TooLarge(OSError):
    """The file holds more than the limit; ``size`` is what was seen (at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def in_special_tree(real: str) -> bool:
    """True for paths under /proc, /sys and /dev: kernel files that claim to be regular."""
    return any(real == top or real.startswith(top + "/") for top in _SPECIAL_TREES)


def open_regular(path: str, *, follow: bool = True) -> int:
    """A read-only descriptor of the regular file ``path``; raises :class:`NotRegular`.

    ``follow=False`` refuses a symlink as the last component (``O_NOFOLLOW``).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if not follow and error.errno == errno.ELOOP:
            raise NotRegular("it is a symbolic link") from None
        if error.errno == errno.ENXIO:  # a socket, or a device with no driver
            raise NotRegular("it is a socket or a device") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(f"it is {kind_of(mode)}")
        if in_special_tree(opened_path(fd) or os.path.realpath(path)):
            raise NotRegular("it is a kernel file (/proc, /sys or /dev)")
    except BaseException:
        os.close(fd)
        raise
    return fd


def opened_path(fd: int) -> str | None:
    """The real path of an open descriptor (Linux ``/proc/self/fd``), or None elsewhere."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def read_fd(fd: int, max_bytes: int) -> bytes:
    """At most ``max_bytes`` bytes of ``fd``; raises :class:`TooLarge` beyond (closes ``fd``)."""
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise TooLarge(size)
        chunks, total = [], 0
        while total <= max_bytes:  # a kernel file may claim size 0 and hold more
            chunk = os.read(fd, min(1024 * 1024, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise TooLarge(total)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular(path: str, max_bytes: int = MAX_BYTES, *, follow: bool = True) -> bytes:
    """The bytes of the regular file ``path``; raises NotRegular, TooLarge or OSError."""
    return read_fd(open_regular(path, follow=follow), max_bytes)


def clamp_max_bytes(value: int | None) -> int:
    """``--max-bytes`` as used: the default when unset; ValueError outside 1..1 GiB."""
    if value is None:
        return MAX_BYTES
    if not 1 <= value <= HARD_MAX_BYTES:
        raise ValueError(f"--max-bytes must be between 1 and {HARD_MAX_BYTES}")
    return value


def find_root(spec: str) -> str:
    """The spec root of ``spec``: the nearest folder above it holding ``.git``, else its
    own folder. The spec's path is taken as given (not through symlinks)."""
    folder = os.path.dirname(os.path.abspath(spec))
    probe = folder
    while True:
        if os.path.lexists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return folder
        probe = parent


def is_inside(path: str, root: str) -> bool:
    """True when the absolute, normalised ``path`` is ``root`` or below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
