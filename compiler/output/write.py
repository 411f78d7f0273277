"""Writing outputs: atomically, deterministically, with a manifest of hashes.

A compile writes the whole tree into a staging directory beside ``DIR`` and switches it in
only when complete (``renameat2(RENAME_EXCHANGE)`` on Linux), so a failed or killed compile
leaves ``DIR`` as it was: at every instant ``DIR`` is the complete old or new tree. The
details, the fallback and its window are in :mod:`mlopsc.output.swap`.

mlopsc owns ``DIR`` only provably (:mod:`mlopsc.output.owner`): it replaces an empty
directory or one whose ``manifest.json`` proves mlopsc wrote it (``"generator": "mlopsc"``
and the SHA-256 of more than half of the files it lists; hand edits to the others are
overwritten and reported). It never deletes what it did not write: a file the old manifest
does not list stops the compile (exit 2, every such file listed) unless ``prune=True``
(``--prune``); a directory it did not write (``.git``, a user's folder) stops it always.

``-o`` may be a symlink to a directory: the tree is written at its target and the symlink
stays. Given the spec root, an ``-o`` inside it must not lead out of it through a symlink
(:mod:`mlopsc.output.confine`): the checkout under review decides what its paths are.
The directory keeps its mode (a new one gets ``0o777 & ~umask``, as ``mkdir``).
Concurrent compiles to one ``DIR`` take turns on a lock file beside it; one that cannot
get the lock within :data:`LOCK_WAIT` seconds stops with exit 2.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mlopsc.output import swap as write_swap
from mlopsc.output.confine import confine_output
from mlopsc.output.leftovers import sweep
from mlopsc.output.owner import MANIFEST, OutputError, Ownership, inspect
from mlopsc.reading.spec_root import SpecRoot
from mlopsc.target import Artifact

__all__ = ["LOCK_WAIT", "MANIFEST", "OutputError", "TreeDiff", "Written", "diff_tree",
           "manifest", "read_tree", "write_tree"]

LOCK_WAIT = 30.0
"""Seconds a compile waits for another compile to finish writing the same ``DIR``."""
_SHOWN = 20


@dataclass(frozen=True)
class Written:
    """What :func:`write_tree` did besides writing the new tree (for the user to see)."""

    directory: Path
    files: int
    overwritten: tuple[str, ...] = ()
    """Files mlopsc wrote before that were edited or deleted by hand, now regenerated."""
    pruned: tuple[str, ...] = ()
    """Files mlopsc did not write, deleted because ``prune`` was asked."""
    kept: tuple[Path, ...] = ()
    """Paths left in place because they are not provably mlopsc's (see the notes)."""
    kept_why: tuple[str, ...] = ()
    """For each of :attr:`kept`, why it was left in place."""


def manifest(artifacts: list[Artifact], *, version: str, spec_hash: str,
             environment: str | None) -> Artifact:
    """``manifest.json``: every output file with its SHA-256, the spec hash, the version."""
    document = {
        "generator": "mlopsc",
        "mlopsc_version": version,
        "spec_sha256": spec_hash,
        "environment": environment,
        "files": {a.path: hashlib.sha256(a.content).hexdigest()
                  for a in sorted(artifacts, key=lambda a: a.path)},
    }
    return Artifact(MANIFEST, (json.dumps(document, indent=2) + "\n").encode())


def write_tree(out_dir: str | os.PathLike[str], artifacts: list[Artifact], *, prune: bool = False,
               lock_wait: float = LOCK_WAIT, root: SpecRoot | None = None) -> Written:
    """Replace ``out_dir`` with exactly ``artifacts``, atomically; raise OutputError if unsafe.

    ``root``: the spec root; an ``out_dir`` under it whose real path (or an ancestor's)
    leaves it is refused (see :mod:`mlopsc.output.confine`).

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> files = [Artifact("a.txt", b"a\\n")]
    >>> files.append(manifest(files, version="0", spec_hash="0", environment=None))
    >>> write_tree(out, files).files
    2
    >>> _ = (out / "notes.txt").write_text("mine")
    >>> write_tree(out, files)
    Traceback (most recent call last):
    ...
    mlopsc.output.owner.OutputError: ... 1 entry not written by mlopsc ...
    >>> write_tree(out, files, prune=True).pruned
    ('notes.txt',)
    """
    _check_paths(artifacts)
    if root is not None:
        confine_output(out_dir, root)
    target = _resolve(out_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with write_swap.locked(target, lock_wait):
            return _write_locked(target, artifacts, prune)
    except OSError as error:
        if error.errno in (errno.EBUSY, errno.EXDEV):
            raise OutputError(f"{out_dir}: cannot be replaced ({error.strerror}): is it a "
                              "mount point? Write to a directory inside it") from error
        raise OutputError(f"{out_dir}: cannot write: {error.strerror or error}") from error


def _write_locked(target: Path, artifacts: list[Artifact], prune: bool) -> Written:
    _, kept = sweep(target, (a.path for a in artifacts))
    owned, mode = _ownership(target, prune)
    staging = write_swap.new_staging(target)
    try:
        _fill(staging, artifacts, mode)
        for path in owned.unknown_files if prune else ():
            os.unlink(target / path)
        os.unlink(staging / write_swap.MARKER)
        swapped = write_swap.switch(staging, target)
    except BaseException:
        write_swap.remove_tree(staging)  # still the new tree: the switch did not happen
        raise
    if swapped:
        kept += _remove_old(staging, owned)
    return Written(target, len(artifacts), owned.changed, owned.unknown_files if prune else (),
                   tuple(path for path, _ in kept), tuple(why for _, why in kept))


def _resolve(out_dir: str | os.PathLike[str]) -> Path:
    """The real directory to write: a symlinked ``-o`` is followed and kept."""
    given = Path(out_dir)
    target = Path(os.path.realpath(given))
    if not target.name:
        raise OutputError(f"{out_dir}: cannot replace the root directory")
    if os.path.lexists(target) and not target.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory")
    if given.is_symlink() and not target.is_dir():
        raise OutputError(f"{out_dir}: is a symlink to {target}, which does not exist")
    return target


def _check_paths(artifacts: list[Artifact]) -> None:
    for artifact in artifacts:
        parts = artifact.path.split("/")
        if artifact.path.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise OutputError(f"refusing to write {artifact.path!r}: not a path inside -o")


def _ownership(target: Path, prune: bool) -> tuple[Ownership, int | None]:
    """What the existing ``target`` holds, refusing what is not provably mlopsc's."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return Ownership(), None
    with os.scandir(target) as entries:
        empty = not any(entries)
    owned = Ownership() if empty else inspect(target)
    if owned.unknown_dirs or (owned.unknown_files and not prune):
        raise OutputError(_refusal(target, owned, prune))
    return owned, stat.S_IMODE(info.st_mode)


def _refusal(target: Path, owned: Ownership, prune: bool) -> str:
    entries = [*(f"{d}/ (directory)" for d in owned.unknown_dirs),
               *(() if prune else owned.unknown_files)]
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    head = f"{target}: {count} not written by mlopsc (not in its {MANIFEST})"
    lines = [f"{head}; refusing to delete them:"]
    lines += [f"  {target}/{entry}" for entry in entries[:_SHOWN]]
    if len(entries) > _SHOWN:
        lines.append(f"  ... and {len(entries) - _SHOWN} more")
    if owned.unknown_dirs:
        lines.append("move them out of the output directory (--prune deletes files that "
                     "mlopsc did not write, never directories)")
    else:
        lines.append("move them out of the output directory, or pass --prune to delete them")
    return "\n".join(lines)


def _fill(staging: Path, artifacts: list[Artifact], mode: int | None) -> None:
    # manifest.json first: a staging directory killed half-way lists what it holds, so the
    # next compile can tell it from a folder it must keep (see write_leftovers).
    for artifact in sorted(artifacts, key=lambda a: a.path != MANIFEST):
        path = staging / artifact.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(artifact.content)
    if mode is not None:
        os.chmod(staging, mode)


def _remove_old(old: Path, owned: Ownership) -> list[tuple[Path, str]]:
    """Delete the old tree (now at ``old``) unless something unlisted appeared in it."""
    kept = [(old, "the old tree; something appeared in it while the compile ran")]
    try:
        with os.scandir(old) as entries:
            names = [e.name for e in entries]
        if names and names != [write_swap.MARKER]:
            again = inspect(old, hashes=False)
            if again.unknown_files or again.unknown_dirs:
                return kept
    except OutputError:
        return kept
    write_swap.remove_tree(old)
    return []


@dataclass(frozen=True)
class TreeDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.changed)


def read_tree(out_dir: str | os.PathLike[str]) -> dict[str, bytes]:
    """The regular files below ``out_dir``; symlinks and special files are never followed
    (see :mod:`mlopsc.output.tree_check`)."""
    from mlopsc.output.tree_check import read_files

    return read_files(out_dir)


def diff_tree(out_dir: str | os.PathLike[str], artifacts: list[Artifact]) -> TreeDiff:
    """How the files in ``out_dir`` differ from a fresh compile (for ``--check``); a symlink
    or special file where mlopsc writes a file counts as changed and is never read."""
    from mlopsc.output.tree_check import compare

    added, removed, changed = compare(out_dir, {a.path: a.content for a in artifacts})
    return TreeDiff(added=added, removed=removed, changed=changed)
