"""Proving that mlopsc wrote an output directory, before anything in it is replaced.

An output directory is *provably mlopsc's* when all of these hold:

- its ``manifest.json`` is a regular file of at most :data:`MAX_MANIFEST_BYTES`, parses as
  JSON, says ``"generator": "mlopsc"`` and lists at least one file, each under a clean
  relative path with a SHA-256;
- more than half of the listed files are present as regular files with the listed SHA-256.

The rest of the listed files may have been edited or deleted by hand. Regeneration
overwrites such edits, as any code generator does (the files carry a "do not edit" header
and ``compile --check`` reports the drift); they are reported, never silent. A tree where
most listed files differ is not provably mlopsc's: it is refused.

Anything else in the directory (a file or directory the manifest does not list, a
symlink, ``.git``) was not written by mlopsc: :func:`inspect` reports it so the writer can
refuse, or prune the *files* on request. Directories mlopsc did not write are never
deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
"""The largest ``manifest.json`` read (about 80,000 listed files)."""
_READ = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
         | getattr(os, "O_CLOEXEC", 0))
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BAD_PART = re.compile(r"^(|\.|\.\.)$|[\\\x00]")


class OutputError(Exception):
    """The output directory cannot be used (exit 2)."""


@dataclass(frozen=True)
class Ownership:
    """What an mlopsc output directory holds besides exactly what its manifest lists."""

    listed: frozenset[str] = frozenset()
    changed: tuple[str, ...] = ()
    """Listed files whose bytes differ from the manifest (hand edits), or missing."""
    unknown_files: tuple[str, ...] = ()
    """Files, symlinks and other non-directories the manifest does not list."""
    unknown_dirs: tuple[str, ...] = ()
    """Directories that hold no listed file (``.git``, a user's folder)."""


def read_manifest(root: Path) -> dict[str, str] | None:
    """The ``files`` map of ``root/manifest.json``; ``None`` when there is none.

    Raises :class:`OutputError` when the manifest exists but proves nothing (too large,
    malformed, not written by mlopsc).
    """
    path = root / MANIFEST
    try:
        fd = os.open(path, _READ)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _not_ours(root, f"{MANIFEST} cannot be read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_ours(root, f"{MANIFEST} is not a regular file")
        data = handle.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise _not_ours(root, f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise _not_ours(root, f"{MANIFEST} is not valid JSON") from None
    return _files_of(root, document)


def _files_of(root: Path, document: object) -> dict[str, str]:
    if not isinstance(document, dict) or document.get("generator") != "mlopsc":
        raise _not_ours(root, f'{MANIFEST} does not say "generator": "mlopsc"')
    files = document.get("files")
    if not isinstance(files, dict) or not files:
        raise _not_ours(root, f"{MANIFEST} lists no files")
    for path, digest in files.items():
        if not (_clean_path(path) and isinstance(digest, str) and _SHA256.fullmatch(digest)):
            raise _not_ours(root, f"{MANIFEST} has a malformed entry {str(path)[:80]!r}")
    parents = {p for path in files for p in ancestors(path)}
    if parents & files.keys():
        raise _not_ours(root, f"{MANIFEST} lists a path both as a file and a directory")
    return files


def _clean_path(path: object) -> bool:
    return (isinstance(path, str) and path != MANIFEST and not path.startswith("/")
            and not any(_BAD_PART.search(part) for part in path.split("/")))


def ancestors(path: str) -> list[str]:
    """The folders above a relative path: ``a/b/c`` gives ``a`` and ``a/b``."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _not_ours(root: Path, why: str) -> OutputError:
    return OutputError(f"{root}: not provably written by mlopsc: {why}; refusing to replace it")


def inspect(root: Path, *, hashes: bool = True) -> Ownership:
    """Prove that ``root`` (an existing, non-empty directory) is mlopsc's, or raise.

    With ``hashes=False`` only the manifest and the listing are checked (used on a tree
    that was already proven, to see whether anything appeared since).
    """
    files = read_manifest(root)
    if files is None:
        raise OutputError(f"{root}: not empty and not written by mlopsc (no {MANIFEST}); "
                          "refusing to replace it")
    present, unknown_files, unknown_dirs = scan(root, files)
    changed = tuple(sorted(p for p in files if p not in present
                           or (hashes and _sha256(root / p) != files[p])))
    if hashes and 2 * (len(files) - len(changed)) <= len(files):
        raise _not_ours(root, f"{len(changed)} of the {len(files)} files its {MANIFEST} "
                              "lists are missing or differ")
    return Ownership(frozenset(files), changed, unknown_files, unknown_dirs)


def scan(root: Path, files: dict[str, str]) -> tuple[set[str], tuple[str, ...], tuple[str, ...]]:
    """Listed files present as regular files; unlisted files; unlisted directories.

    Symlinks are never followed, and a directory holding no listed file is not entered.
    """
    dirs = {p for path in files for p in ancestors(path)}
    present: set[str] = set()
    unknown_files: list[str] = []
    unknown_dirs: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(root / folder if folder else root) as entries:
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    (pending if rel in dirs else unknown_dirs).append(rel)
                elif entry.is_file(follow_symlinks=False) and (rel in files or rel == MANIFEST):
                    present.add(rel)
                else:
                    unknown_files.append(rel)
    present.discard(MANIFEST)
    return present, tuple(sorted(unknown_files)), tuple(sorted(unknown_dirs))


def _sha256(path: Path) -> str | None:
    try:
        fd = os.open(path, _READ)
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
