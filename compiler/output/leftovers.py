"""Leftovers of killed compiles: staging directories beside ``DIR``, removed only when ours.

A name like a staging directory's (``.DIR.<16 hex>.mlopsc-tmp``) proves nothing: a pull
request can commit such a folder, with a marker file in it. So a leftover is removed only
when it is a real directory of the current user and one of:

- empty;
- marked (it holds :data:`~mlopsc.output.swap.MARKER`, a regular file whose bytes are the
  marker text or a prefix of it: a compile killed while writing it) and holding nothing
  but what mlopsc writes;
- unmarked, provably mlopsc's by its manifest (the hashes, as for ``DIR``) and holding
  nothing but what mlopsc writes.

*What mlopsc writes* into a staging directory: the marker, ``manifest.json``, and regular
files and directories at the paths of the current compile's artifacts or of the files the
``manifest.json`` in it lists (when that manifest is valid). No symlink, no special file,
no ``.git`` at any depth, no other name. A compile writes ``manifest.json`` first and
deletes it last, so a staging directory killed half-way holds a manifest listing every
file in it: the tree of another compile (other targets, another environment) is
recognised too. Anything else is left in place and reported with the first entry that is
not mlopsc's.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from mlopsc.output.owner import MANIFEST, OutputError, ancestors, inspect, read_manifest
from mlopsc.output.swap import MARKER, MARKER_TEXT, SUFFIX, remove_tree

__all__ = ["clean_leftovers", "sweep", "why_not_ours"]

_READ = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
         | getattr(os, "O_CLOEXEC", 0))


def clean_leftovers(target: Path, allowed: Iterable[str] = ()) -> tuple[list[Path], list[Path]]:
    """Remove the staging directories of killed compiles; returns (removed, kept)."""
    removed, kept = sweep(target, allowed)
    return removed, [path for path, _ in kept]


def sweep(target: Path, allowed: Iterable[str] = ()
          ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Like :func:`clean_leftovers`; each kept directory comes with the reason in words.

    ``allowed``: the artifact paths of the compile that is writing ``target``.
    """
    pattern = re.compile(re.escape(f".{target.name}.") + "[0-9a-f]{16}" + re.escape(SUFFIX))
    allowed = frozenset(allowed)
    removed, kept = [], []
    with os.scandir(target.parent) as entries:
        candidates = [Path(e.path) for e in entries if pattern.fullmatch(e.name)]
    for path in sorted(candidates):
        why = why_not_ours(path, allowed)
        if why is None:
            remove_tree(path)
            removed.append(path)
        else:
            kept.append((path, why))
    return removed, kept


def why_not_ours(path: Path, allowed: frozenset[str] = frozenset()) -> str | None:
    """``None`` when ``path`` is a staging directory mlopsc may delete, else why not."""
    try:
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            return "not a directory"
        if info.st_uid != getattr(os, "geteuid", int)():
            return "owned by another user"
        if not os.listdir(path):
            return None
        marked = _marked(path)
        if marked is False:
            return f"its {MARKER} is not a marker mlopsc writes"
        foreign = _foreign(path, allowed | _listed(path), marked)
        if foreign is not None:
            return f"it holds {foreign}, which mlopsc does not write"
        if not marked:
            inspect(path)  # raises unless the hashes prove the tree
    except OutputError:
        return f"no {MARKER}, and its {MANIFEST} does not prove mlopsc wrote it"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    return None


def _marked(path: Path) -> bool | None:
    """True: the marker (or a prefix of it); None: no marker; False: something else."""
    try:
        fd = os.open(path / MARKER, _READ)
    except FileNotFoundError:
        return None
    except OSError:  # a symlink (ELOOP), unreadable
        return False
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return MARKER_TEXT.startswith(handle.read(len(MARKER_TEXT) + 1))


def _listed(path: Path) -> frozenset[str]:
    """The files the leftover's own manifest lists, when it is a valid one."""
    try:
        return frozenset(read_manifest(path) or ())
    except OutputError:
        return frozenset()


def _foreign(path: Path, files: frozenset[str], marked: bool | None) -> str | None:
    """The first entry under ``path`` that mlopsc does not write, or None.

    Symlinks are never followed; a directory is entered only at an ancestor of ``files``.
    """
    dirs = {a for f in files for a in ancestors(f)}
    top = {MANIFEST, MARKER} if marked else {MANIFEST}
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(path / folder if folder else path) as entries:
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_symlink():
                    return f"{rel} (a symbolic link)"
                if entry.is_dir(follow_symlinks=False):
                    if entry.name == ".git" or rel not in dirs:
                        return f"{rel}/ (a directory)"
                    pending.append(rel)
                elif entry.name == ".git" or not (entry.is_file(follow_symlinks=False)
                                                  and (rel in files or rel in top)):
                    return rel
    return None
