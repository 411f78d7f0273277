"""Writing outputs: atomically, deterministically, with a manifest of hashes.

A compile builds the whole tree in a sibling temporary directory and swaps it in only when
complete, so a failed compile leaves the output directory exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlopsc.target import Artifact

MANIFEST = "manifest.json"


class OutputError(Exception):
    """The output directory cannot be used (exit 2)."""


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


def write_tree(out_dir: str | os.PathLike, artifacts: list[Artifact]) -> None:
    """Replace ``out_dir`` with exactly ``artifacts``, atomically.

    Refuses a non-empty directory that mlopsc did not write (no manifest), so that a typo
    in ``-o`` cannot delete someone's files.
    """
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise OutputError(f"{out_dir}: not empty and not written by mlopsc (no {MANIFEST}); "
                          "refusing to replace it")
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot write: {error.strerror or error}") from error
    try:
        for artifact in artifacts:
            path = staging / artifact.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(artifact.content)
        _swap(staging, target)
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot write: {error.strerror or error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    old = staging.with_name(staging.name + ".old")
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class TreeDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.changed)


def read_tree(out_dir: str | os.PathLike) -> dict[str, bytes]:
    root = Path(out_dir)
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def diff_tree(out_dir: str | os.PathLike, artifacts: list[Artifact]) -> TreeDiff:
    """How the files in ``out_dir`` differ from a fresh compile (for ``--check``)."""
    on_disk = read_tree(out_dir)
    fresh = {a.path: a.content for a in artifacts}
    return TreeDiff(
        added=tuple(sorted(set(fresh) - set(on_disk))),
        removed=tuple(sorted(set(on_disk) - set(fresh))),
        changed=tuple(sorted(p for p in set(fresh) & set(on_disk) if fresh[p] != on_disk[p])),
    )
