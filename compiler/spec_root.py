"""The spec root: the one folder whose regular files a spec may read.

By default it is the git work tree holding the root spec (the nearest folder above it with
a ``.git`` entry; no git process is run), else the root spec's own folder; ``--root DIR``
overrides it. A path a spec names (``include:``, ``governance.policies``) is confined with
:func:`confine`: refused when absolute (E117), when it climbs out with ``..`` (E118), when
its real path (every symlink resolved) is outside (E119).

>>> root = SpecRoot.of("/repo/specs/mlops.yaml", "/repo")
>>> confine("models.yaml", "/repo/specs", root) == os.path.realpath("/repo/specs/models.yaml")
True
>>> confine("../../etc/passwd", "/repo/specs", root)
Traceback (most recent call last):
...
mlopsc.spec_root.Refused: ('E118', 'leaves the spec root')
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mlopsc.safe_read import find_root, is_inside


class Refused(Exception):
    """A path a spec names is refused: ``code`` (E117-E119) and the reason in words."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class SpecRoot:
    """The root as given or found (``lexical``, absolute) and with symlinks resolved."""

    lexical: str
    real: str

    @classmethod
    def of(cls, spec: str, root: str | os.PathLike[str] | None = None) -> SpecRoot:
        """The root of ``spec``: ``root`` when given, else found with :func:`find_root`."""
        folder = os.path.abspath(os.fspath(root)) if root is not None else find_root(spec)
        return cls(folder, os.path.realpath(folder))

    def holds(self, path: str) -> bool:
        """True when the absolute normalised ``path`` lies under the root (either spelling)."""
        return is_inside(path, self.lexical) or is_inside(path, self.real)

    def holds_real(self, real: str) -> bool:
        return is_inside(real, self.real)


def confine(name: str, base_dir: str, root: SpecRoot) -> str:
    """The real path of ``name`` (relative to ``base_dir``) when it stays under ``root``.

    Raises :class:`Refused`. The file itself is not touched beyond resolving symlinks.
    """
    if os.path.isabs(name):
        raise Refused("E117", "is an absolute path")
    lexical = os.path.normpath(os.path.join(os.path.abspath(base_dir), name))
    if not root.holds(lexical):
        raise Refused("E118", "leaves the spec root")
    real = os.path.realpath(lexical)
    if not root.holds_real(real):
        raise Refused("E119", "is a symbolic link (or goes through one) to a path outside the "
                              "spec root")
    return real
