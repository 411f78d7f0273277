"""``compile --check``: compare an output directory with a fresh compile, reading safely.

The directory may hold anything a pull request put there, so it is read as untrusted input
(see ``docs/security.md``): symlinks are never followed (a link to ``/dev/zero``, a huge
file or a file outside counts as a difference, unread), only regular files are opened
(non-blocking, checked on the descriptor), and a file is read only when mlopsc would write
it and its size matches the fresh content, so at most that many bytes are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mlopsc.reading.safe_read import MAX_BYTES, read_regular

_DIFFERENT = object()  # a file that is not a regular file of the expected size


def scan(out_dir: str | os.PathLike[str]) -> dict[str, os.stat_result]:
    """Every entry below ``out_dir`` that is not a directory, by relative POSIX path, with
    its ``lstat`` (symlinks are listed, never followed; ``out_dir`` itself may be one)."""
    root = Path(out_dir)
    if not root.is_dir():
        return {}
    found: dict[str, os.stat_result] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in [*files, *dirs]:
            path = base / name
            info = path.lstat()
            if not stat.S_ISDIR(info.st_mode):
                found[path.relative_to(root).as_posix()] = info
    return found


def read_files(out_dir: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> dict[str, bytes]:
    """The regular files below ``out_dir`` (at most ``max_bytes`` each; larger ones, links
    and special files are left out)."""
    out: dict[str, bytes] = {}
    for rel, info in sorted(scan(out_dir).items()):
        if stat.S_ISREG(info.st_mode) and info.st_size <= max_bytes:
            content = _read(Path(out_dir) / rel, info.st_size)
            if content is not _DIFFERENT:
                out[rel] = content  # type: ignore[assignment]
    return out


def compare(out_dir: str | os.PathLike[str], fresh: dict[str, bytes]
            ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(added, removed, changed) paths: what a compile would add, what is there but would
    not be written (never read), and what differs."""
    on_disk = scan(out_dir)
    changed = []
    for rel in sorted(set(fresh) & set(on_disk)):
        if not _same(Path(out_dir) / rel, on_disk[rel], fresh[rel]):
            changed.append(rel)
    return (tuple(sorted(set(fresh) - set(on_disk))),
            tuple(sorted(set(on_disk) - set(fresh))), tuple(changed))


def _same(path: Path, info: os.stat_result, expected: bytes) -> bool:
    if not stat.S_ISREG(info.st_mode) or info.st_size != len(expected):
        return False  # decided without opening it
    return _read(path, len(expected)) == expected


def _read(path: Path, size: int) -> bytes | object:
    try:
        return read_regular(str(path), size, follow=False)
    except OSError:  # swapped for a link, grew, vanished, unreadable: not what was expected
        return _DIFFERENT
