"""The moving parts of an atomic output switch: a lock, staging directories, the exchange.

Everything lives beside the output directory ``DIR`` in its parent, never inside it:

- ``.DIR.mlopsc.lock`` — an ``flock`` lock file held while a compile writes ``DIR``; it is
  removed when the compile ends (a killed compile leaves it; the next one reuses it).
- ``.DIR.<16 hex>.mlopsc-tmp`` — a staging directory. It holds the new tree while it is
  written (with a marker file, :data:`MARKER`, removed just before the switch), then the
  old tree after it (the marker is put back before anything is deleted, and deleted last).

The switch is one ``renameat2(RENAME_EXCHANGE)`` on Linux: at every instant ``DIR`` is the
complete old tree or the complete new one. Where the kernel or the filesystem lacks it
(another OS, some network or FUSE filesystems), :func:`switch` falls back to two renames:
a process killed between them leaves no ``DIR``, with the old tree complete in a staging
directory (that window is two system calls long).

A staging directory a killed compile left behind is removed by the next compile only when
it is provably mlopsc's (:mod:`mlopsc.output.leftovers`); anything else is left alone. So
that a half-written or half-deleted staging directory always says what it holds,
``manifest.json`` is written into it first (:mod:`mlopsc.output.write`) and deleted from it last.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mlopsc.output.owner import MANIFEST, OutputError

try:
    import fcntl
except ImportError:  # Windows: a byte-range lock, also released when the process dies
    # mypy checks for Linux, where fcntl always imports; _try_lock/_release test for None.
    fcntl = None  # type: ignore[assignment]
    import msvcrt

MARKER = ".mlopsc-staging"
MARKER_TEXT = b"mlopsc staging directory: mlopsc deletes it when a compile ends\n"
SUFFIX = ".mlopsc-tmp"
_AT_FDCWD = -100
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_SYS_RENAMEAT2 = {"x86_64": 316, "amd64": 316, "aarch64": 276, "arm64": 276}
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # no C library to load by that name (Windows)
        return None


def _renameat2(source: Path, dest: Path, flags: int, *, raw: bool = False) -> bool:
    """``renameat2``; False when this kernel, libc or filesystem cannot do ``flags``.

    ``raw`` skips libc's wrapper (glibc before 2.28 has none) for the system call itself.
    """
    libc, machine = _libc(), platform.machine().lower()
    if libc is None:
        return False
    args = (_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(dest), flags)
    if hasattr(libc, "renameat2") and not raw:
        result = libc.renameat2(*args)
    elif machine in _SYS_RENAMEAT2 and hasattr(libc, "syscall"):
        longs = (ctypes.c_long(a) if isinstance(a, int) else a for a in args)
        result = libc.syscall(ctypes.c_long(_SYS_RENAMEAT2[machine]), *longs)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(dest))


def switch(staging: Path, target: Path) -> bool:
    """Put the tree at ``staging`` in place of ``target``; the old tree goes to ``staging``.

    Returns False when there was no ``target`` (``staging`` is then gone).
    """
    if not os.path.lexists(target):
        if not _renameat2(staging, target, _RENAME_NOREPLACE):
            os.rename(staging, target)  # an empty directory created meanwhile is replaced
        return False
    if _renameat2(staging, target, _RENAME_EXCHANGE):
        return True
    switch_by_renames(staging, target)
    return True


def switch_by_renames(staging: Path, target: Path) -> None:
    """The fallback: ``target`` is absent between the two renames (see the module doc)."""
    old = new_name(target)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)
        raise
    os.rename(old, staging)


def new_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(8)}{SUFFIX}")


def new_staging(target: Path) -> Path:
    """A fresh staging directory beside ``target``, created as ``mkdir`` would (umask)."""
    while True:
        staging = new_name(target)
        try:
            os.mkdir(staging, 0o777)
            break
        except FileExistsError:
            continue
    _mark(staging)
    return staging


def _mark(folder: Path) -> None:
    try:
        fd = os.open(folder / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(MARKER_TEXT)


def remove_tree(path: Path) -> None:
    """Delete a staging directory so that at every instant it is provably mlopsc's."""
    _mark(path)
    with os.scandir(path) as entries:
        children = [e for e in entries if e.name != MARKER]
    # manifest.json last: until the end it lists what is left (see write_leftovers).
    for entry in sorted(children, key=lambda e: e.name == MANIFEST):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    os.unlink(path / MARKER)
    os.rmdir(path)


@contextmanager
def locked(target: Path, wait: float) -> Iterator[Path]:
    """Hold ``.DIR.mlopsc.lock`` beside ``target``, waiting up to ``wait`` seconds."""
    path = target.with_name(f".{target.name}.mlopsc.lock")
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
        if _acquire(fd, deadline) and _same_file(fd, path):
            break
        os.close(fd)
        if time.monotonic() > deadline:
            raise OutputError(f"{target}: another mlopsc compile is writing it (lock {path} "
                              f"held for {wait:g} s); try again when it has finished")
    try:
        yield path
    finally:
        _release(fd, path)


def _acquire(fd: int, deadline: float) -> bool:
    while not _try_lock(fd):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _try_lock(fd: int) -> bool:
    if fcntl is None:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _release(fd: int, path: Path) -> None:
    if fcntl is None:  # Windows cannot delete an open file: the lock file stays
        os.close(fd)
        return
    # Unlink while holding the lock: a waiter that opened this file sees it is gone
    # (_same_file) and opens a new one, so two compiles never hold different locks.
    try:
        os.unlink(path)
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
