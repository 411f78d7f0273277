"""The spec root: the one folder whose regular files a spec may read.

By default it is the git work tree holding the root spec (the nearest folder above it with
a ``.git`` entry; no git process is run), else the root spec's own folder; ``--root DIR``
overrides it. A path a spec names (``include:``, ``governance.policies``) is confined with
:func:`confine`: refused when it holds a control character (E124), when it is longer than
1,024 characters (E125), when absolute (E117), when it climbs out with ``..`` (E118), when
its real path (every symlink resolved) is outside (E119), and when it names something in
a ``.git`` folder, as written or resolved (E123). Whether git ignores the file is asked
separately (:mod:`mlopsc.reading.git_ignore`).

>>> root = SpecRoot.of("/repo/specs/mlops.yaml", "/repo")
>>> confine("models.yaml", "/repo/specs", root) == os.path.realpath("/repo/specs/models.yaml")
True
>>> confine("../../etc/passwd", "/repo/specs", root)
Traceback (most recent call last):
...
mlopsc.reading.spec_root.Refused: ('E118', 'leaves the spec root')
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from mlopsc.reading.safe_read import NotRegular, find_root, is_inside

MAX_PATH_CHARS = 1024
"""The longest include or policy path a spec may write (E125)."""


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


def confine(name: str, base_dir: str, root: SpecRoot, resolver: Resolver | None = None) -> str:
    """The real path of ``name`` (relative to ``base_dir``) when it stays under ``root``.

    Raises :class:`Refused`. The file itself is not touched beyond resolving symlinks.
    ``resolver`` (one per spec) shares the resolution of common folders between paths.
    """
    check_text(name)
    if os.path.isabs(name):
        raise Refused("E117", "is an absolute path")
    lexical = os.path.normpath(os.path.join(os.path.abspath(base_dir), name))
    if not root.holds(lexical):
        raise Refused("E118", "leaves the spec root")
    if in_git_dir(name):
        raise Refused("E123", "names a file in a .git folder")
    real = (resolver or Resolver()).realpath(lexical)
    if not root.holds_real(real):
        raise Refused("E119", "is a symbolic link (or goes through one) to a path outside the "
                              "spec root")
    check_not_git(real, root)
    return real


def check_not_git(real: str, root: SpecRoot,
                  what: str = "is a symbolic link (or goes through one) to") -> None:
    """Refuse (E123) a resolved path in a ``.git`` folder under the root."""
    if in_git_dir(os.path.relpath(real, root.real)):
        raise Refused("E123", f"{what} a file in a .git folder")


def too_many(count: int, limit: int) -> Refused:
    """The refusal of the include entry that brings a spec over ``limit`` (E125)."""
    return Refused("E125", f"is entry {count}, over the limit of {limit} include entries "
                           "in the spec files together; it and the ones after it are not read")


def check_text(name: str) -> None:
    """Refuse a path with a control character or a lone surrogate (E124), or one over
    :data:`MAX_PATH_CHARS` characters (E125), before it reaches the operating system."""
    if len(name) > MAX_PATH_CHARS:
        raise Refused("E125", f"is {len(name)} characters long, over the limit of "
                              f"{MAX_PATH_CHARS}")
    for char in name:
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise Refused("E124", f"holds the control character U+{ord(char):04X}")


def short_name(name: str) -> str:
    """``name`` as a finding quotes it: at most 80 characters, the middle cut."""
    return name if len(name) <= 80 else f"{name[:50]}…{name[-20:]}"


def in_git_dir(path: str) -> bool:
    """True when a component of ``path`` is ``.git`` (any case, as git itself compares
    on case-insensitive file systems)."""
    return any(part.rstrip(". ").lower() == ".git" for part in path.split(os.sep))


_BUSY = ""  # a link being resolved: meeting it again is a loop


class Resolver:
    """``os.path.realpath`` with one memo for every path of a spec.

    Each (real folder, name) step is resolved once: a thousand includes through the same
    folders, or through a symlink whose target is long, cost one ``lstat`` per distinct
    step instead of one per component of every path. A loop, or links nested more than
    40 deep (the kernel's own limit), raises :class:`~mlopsc.reading.safe_read.NotRegular`.

    >>> Resolver().realpath("/") == os.path.realpath("/")
    True
    """

    def __init__(self) -> None:
        self.memo: dict[tuple[str, str], str] = {}

    def realpath(self, path: str) -> str:
        """The real path of the absolute, normalised ``path`` (missing parts kept as is)."""
        real = "/"
        for name in path.split("/"):
            real = self.step(real, name, 0)
        return real

    def step(self, folder: str, name: str, depth: int) -> str:
        if name in ("", "."):
            return folder
        if name == "..":
            return os.path.dirname(folder)
        key = (folder, name)
        found = self.memo.get(key)
        if found is not None:
            if found is _BUSY:
                raise NotRegular("it goes through a loop of symbolic links")
            return found
        path = os.path.join(folder, name)
        try:
            target = os.readlink(path)
        except OSError:  # not a link, or missing: realpath keeps it as is
            self.memo[key] = path
            return path
        if depth >= 40:
            raise NotRegular("it goes through more than 40 nested symbolic links")
        self.memo[key] = _BUSY
        try:
            real = "/" if target.startswith("/") else folder
            for part in target.split("/"):
                real = self.step(real, part, depth + 1)
        except BaseException:
            del self.memo[key]
            raise
        self.memo[key] = real
        return real
