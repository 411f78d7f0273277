"""An ``-o`` inside the spec root stays inside it: the checkout cannot lead a write out.

The command line chooses ``-o``, but when ``-o`` names a path in the checkout under review,
the pull request decides what that path *is*. A committed symlink ``generated ->
../gitops/prod`` would make ``compile -o generated`` replace an mlopsc tree outside the
repository, and ``build -> ../elsewhere`` would make ``-o build/out`` create folders there.

So when ``-o`` as given (made absolute and normalised, symlinks not resolved) lies under the
spec root, the real path of every prefix of it that lies under the root must lie under the
root too: each existing ancestor, the folder below which missing ones get created, and
``-o`` itself. Otherwise the write is refused (exit 2) naming the symlink. An ``-o`` outside
the root was chosen by whoever runs mlopsc and is not checked; a symlink in the root whose
target stays in the root is followed as usual.

>>> import tempfile
>>> repo = tempfile.mkdtemp()
>>> os.symlink("/", os.path.join(repo, "generated"))
>>> confine_output(os.path.join(repo, "generated"), SpecRoot.of(repo + "/mlops.yaml", repo))
Traceback (most recent call last):
...
mlopsc.output.owner.OutputError: -o ...: .../generated is a symbolic link to /, outside ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from mlopsc.output.owner import OutputError
from mlopsc.reading.spec_root import SpecRoot

__all__ = ["confine_output"]


def confine_output(out_dir: str | os.PathLike[str], root: SpecRoot) -> None:
    """Raise :class:`OutputError` when ``out_dir`` is in ``root`` but leads out of it."""
    given = os.fspath(out_dir)
    if not root.holds(os.path.abspath(given)):
        return
    for shown, path in _prefixes(given):
        if not root.holds(os.path.normpath(path)):
            continue  # above the root (or climbed out of it with ..): not the checkout's
        real = os.path.realpath(path)
        if not root.holds_real(real):
            raise OutputError(_refusal(given, shown, path, real, root))


def _prefixes(given: str) -> Iterator[tuple[str, str]]:
    """Each prefix of ``given`` as spelt there, with its absolute (unnormalised) path.

    Not normalised, so ``link/..`` is resolved as the kernel does: through the link.
    """
    parts = Path(given).parts
    if not parts:  # "." or ""
        yield given, os.getcwd()
    for i in range(1, len(parts) + 1):
        shown = str(Path(*parts[:i]))
        yield shown, os.path.join(os.getcwd(), shown)


def _refusal(given: str, shown: str, path: str, real: str, root: SpecRoot) -> str:
    what = (f"{shown} is a symbolic link to {real}" if os.path.islink(path)
            else f"{shown} resolves to {real}")
    return (f"-o {given}: {what}, outside the spec root {root.lexical}; refusing to write "
            "there (an output directory in the spec root must stay in it: remove the link "
            "or choose an -o outside the root)")
