"""Source positions: spans, spec paths and the path -> span index built at load time.

Every finding in mlopsc, whichever pass made it, carries a *spec path* such as
``deployments.fraud-online.rollout.steps[0].weight``. The loader records where each node
of the YAML stands, so a path maps back to ``mlops.yaml:42:7``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from mlopsc.printable import printable

PathPart = str | int
Path = tuple[PathPart, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*\Z")
_PATH_TOKEN = re.compile(r'\.?([A-Za-z0-9_][A-Za-z0-9_\-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
_KEY_ESCAPE = re.compile(r'\\(["\\nrt]|x[0-9a-f]{2}|u[0-9a-f]{4})')
_UNESCAPE = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a source file; lines and columns count from 1."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def format_path(path: Path) -> str:
    r"""Render a path tuple the way users read it.

    A key that is not a plain name is quoted, with ``"`` and ``\`` escaped, and line
    breaks, controls and bidi characters written as escapes (:func:`mlopsc.printable.printable`),
    so a path is always one printable line; :func:`parse_path` reads the escapes back.

    >>> format_path(("deployments", "fraud-online", "rollout", "steps", 0, "weight"))
    'deployments.fraud-online.rollout.steps[0].weight'
    >>> print(format_path(("models", "evil\n::error::x", "owner")))
    models["evil\n::error::x"].owner
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{printable(escaped)}"]')
    return "".join(out)


def parse_path(text: str) -> Path | None:
    """Parse a path string produced by :func:`format_path`; ``None`` if it is malformed.

    >>> parse_path('models.fraud-detector.approvals[1].role')
    ('models', 'fraud-detector', 'approvals', 1, 'role')
    """
    parts: list[PathPart] = []
    pos = 0
    while pos < len(text):
        match = _PATH_TOKEN.match(text, pos)
        if match is None or (pos == 0 and text.startswith(".")):
            return None
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(_KEY_ESCAPE.sub(_unescape, quoted[1:-1]))
        pos = match.end()
    return tuple(parts)


def entity_path(text: str) -> Path:
    """Parse the ``path`` of an IR entity, which :func:`format_path` made (never malformed).

    >>> entity_path("models.m") + ("owner",)
    ('models', 'm', 'owner')
    """
    path = parse_path(text)
    if path is None:
        raise ValueError(f"malformed spec path {text!r}")
    return path


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return _UNESCAPE[code] if code in _UNESCAPE else chr(int(code[1:], 16))


def coerce_path(value: object) -> Path | None:
    """Accept a path as a string or a list of keys and indices (as Rego policies send it)."""
    if isinstance(value, str):
        return parse_path(value)
    if isinstance(value, (list, tuple)) and all(
        isinstance(p, (str, int)) and not isinstance(p, bool) for p in value
    ):
        return tuple(value)
    return None


RawSpan = tuple[str, int, int, int, int]
"""A span as the loader records it: ``(file, line, column, end_line, end_column)``."""

Positions = list[Any] | RawSpan
"""Where each node of a document stands, in a tree that mirrors the document.

A mapping or sequence is ``[span, children, key_spans]``: ``children`` a dict (mapping) or a
list (sequence) of the children's positions, ``key_spans`` a dict of the mapping's key
spans (``None`` for a sequence). Any other node is its :data:`RawSpan`. The loader builds
this instead of a path -> span dict because a tree costs no path tuple per node.
"""


class SourceIndex:
    """Maps spec paths to the spans of their keys and values, and keeps source text."""

    def __init__(self) -> None:
        self._values: dict[Path, Span] = {}
        self._keys: dict[Path, Span] = {}
        self._texts: dict[str, list[str]] = {}
        self._tree: Positions | None = None

    def add_source(self, file: str, text: str) -> None:
        self._texts[file] = text.splitlines()

    def add(self, path: Path, value: Span, key: Span | None = None) -> None:
        self._values[path] = value
        if key is not None:
            self._keys[path] = key
        else:
            self._keys.pop(path, None)

    def add_tree(self, positions: Positions) -> None:
        """Take the positions of a whole document (see :data:`Positions`).

        Entries given with :meth:`add` win over the tree at the same depth.
        """
        self._tree = positions

    def locate(self, path: Path, *, key: bool = False) -> Span | None:
        """The span of ``path`` (its key with ``key=True``), or of its nearest known ancestor."""
        probe = tuple(path)
        depth, found = self._locate_tree(probe, key)
        while True:
            if key and probe in self._keys:
                return self._keys[probe]
            if probe in self._values:
                return self._values[probe]
            if len(probe) <= depth:
                return Span(*found) if found is not None else None
            probe = probe[:-1]

    def _locate_tree(self, path: Path, key: bool) -> tuple[int, RawSpan | None]:
        """How deep ``path`` goes into the tree, and the span found there."""
        entry = self._tree
        if entry is None:
            return 0, None
        key_span = None
        depth = 0
        for part in path:
            if type(entry) is not list:
                break
            children = entry[1]
            if type(children) is dict:
                if not isinstance(part, str) or part not in children:
                    break
                key_span = entry[2][part]
                entry = children[part]
            elif type(part) is int and 0 <= part < len(children):
                key_span = None
                entry = children[part]
            else:
                break
            depth += 1
        # A node that is not a plain list is a leaf: its RawSpan.
        span: RawSpan = entry[0] if type(entry) is list else cast(RawSpan, entry)
        return depth, key_span if key and key_span is not None else span

    def has(self, path: Path) -> bool:
        path = tuple(path)
        return path in self._values or self._locate_tree(path, False)[0] == len(path)

    def source_line(self, file: str, line: int) -> str | None:
        lines = self._texts.get(file)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def files(self) -> list[str]:
        return list(self._texts)

    def paths(self) -> list[Path]:
        found = dict.fromkeys(_tree_paths(self._tree)) if self._tree is not None else {}
        found.update(dict.fromkeys(self._values))
        return list(found)


def _tree_paths(tree: Positions) -> list[Path]:
    out: list[Path] = []
    pending: list[tuple[Path, Positions]] = [((), tree)]
    while pending:
        path, entry = pending.pop()
        out.append(path)
        if type(entry) is list:
            children = entry[1]
            items = children.items() if type(children) is dict else enumerate(children)
            pending.extend((path + (part,), child) for part, child in items)
    return out
