"""Load a spec: read the files, parse YAML with positions, join includes, apply an environment.

This is the first pass. It turns ``mlops.yaml`` (and the files it includes) into plain data
(dicts, lists, strings, numbers, booleans, None) and a :class:`~mlopsc.source.SourceIndex`
that maps every spec path to ``file:line:col``. Problems become diagnostics (``E101`` to
``E116``); only a spec file that cannot be read at all raises :class:`SpecFileError`.

>>> from mlopsc.diagnostics import Diagnostics
>>> loaded = load_text("apiVersion: mlopsc/v1\\nmodels:\\n  m: {owner: a}\\n", Diagnostics())
>>> loaded.document["models"], str(loaded.index.locate(("models", "m", "owner")))
({'m': {'owner': 'a'}}, 'mlops.yaml:3:14')
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path, Positions, RawSpan, SourceIndex, Span, format_path
from mlopsc.yaml_events import Tree, build_tree, where

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_NOT_OVERRIDABLE = ("apiVersion", "include", "environments")
_NOT_JOINED = ("apiVersion", "include")


class SpecFileError(Exception):
    """The spec file cannot be read at all (missing, a directory, no permission): exit 2."""


@dataclass
class Loaded:
    """The loaded spec: plain data, the path -> span index and the files read (root first).

    ``document`` is None when a fatal problem (reported as a diagnostic) made it unusable.
    """

    document: dict | None
    index: SourceIndex
    files: tuple[str, ...]


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    max_depth: int
    max_alias_nodes: int


def load_spec(path: str | os.PathLike[str], diagnostics: Diagnostics, *,
              environment: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              max_depth: int = 100, max_alias_nodes: int = 100_000) -> Loaded:
    """Load the spec at ``path`` with its includes, for ``environment`` if one is given.

    Spans name files as the user gave the path (``examples/x/mlops.yaml``); included files
    are shown relative to it (``examples/x/data.yaml``).
    """
    display = os.fspath(path)
    try:
        data = _read(display, max_bytes)
    except OSError as error:
        raise SpecFileError(_unreadable(display, error)) from None
    limits = _Limits(max_bytes, max_depth, max_alias_nodes)
    return _Session(diagnostics, limits).run(data, display, display, environment)


def load_text(text_or_bytes: str | bytes, diagnostics: Diagnostics, *, file: str = "mlops.yaml",
              base_dir: str | os.PathLike[str] | None = None, environment: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = 100,
              max_alias_nodes: int = 100_000) -> Loaded:
    """Load a spec held in memory and shown as ``file``; includes are resolved from
    ``base_dir`` (by default the directory of ``file``, relative to the working directory)."""
    data = text_or_bytes
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")  # a lone surrogate is then E102
    base = os.fspath(base_dir) if base_dir is not None else os.path.dirname(file)
    real = os.path.join(base, os.path.basename(file))
    limits = _Limits(max_bytes, max_depth, max_alias_nodes)
    return _Session(diagnostics, limits).run(bytes(data), file, real, environment)


def _read(path: str, max_bytes: int) -> bytes | int:
    """The file's bytes, or its size when that is over ``max_bytes`` (checked before reading)."""
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > max_bytes:
            return size
        data = stream.read(max_bytes + 1)  # a special file may say size 0 and never end
    return data if len(data) <= max_bytes else len(data)


def _unreadable(path: str, error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return f"cannot read {path}: no such file"
    if isinstance(error, IsADirectoryError):
        return f"cannot read {path}: it is a directory"
    return f"cannot read {path}: {error.strerror or error}"


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    # The loader allocates about a million objects and none of them forms a cycle; the
    # collector would only rescan them, over and over (2-3x the time of the load).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count} bytes"


class _Session:
    """One load: the files read so far, the index, and whether the document is whole."""

    def __init__(self, diagnostics: Diagnostics, limits: _Limits) -> None:
        self.diagnostics = diagnostics
        self.limits = limits
        self.index = SourceIndex()
        self.files: list[str] = []
        self.whole = True

    def report(self, code: str, message: str, span: RawSpan | None, path: Path | None = None,
               hint: str | None = None) -> None:
        self.diagnostics.add(code, message, span=Span(*span) if span else None, path=path,
                             hint=hint)

    def run(self, data: bytes | int, display: str, real: str, environment: str | None) -> Loaded:
        with _gc_paused():
            tree = self.parse(data, display)
            document = tree.document if tree else None
            if document is not None:
                self.index.add_tree(tree.positions)
                _Includes(self, document, tree.positions).run(display, real)
                if environment is not None:
                    _overlay(self, document, tree.positions, environment)
        return Loaded(document if self.whole else None, self.index, tuple(self.files))

    def parse(self, data: bytes | int, display: str) -> Tree | None:
        """Check size and encoding, then build the tree of one file."""
        limit = self.limits.max_bytes
        if isinstance(data, int) or len(data) > limit:
            size = data if isinstance(data, int) else len(data)
            self.report("E101", f"{display} is {_size(size)}, over the limit of {_size(limit)}",
                        (display, 1, 1, 1, 1))
            return None
        if data.startswith(_BOM):
            data = data[3:]
        self.files.append(display)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            self.index.add_source(display, data.decode("utf-8", "replace"))
            line, column = _position(data, error.start)
            self.report("E102", f"byte 0x{data[error.start]:02x} is not valid UTF-8",
                        (display, line, column, line, column + 1))
            return None
        self.index.add_source(display, text)
        return build_tree(data, display, self.diagnostics, max_depth=self.limits.max_depth,
                          max_alias_nodes=self.limits.max_alias_nodes)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset; the bytes before it are valid."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


# Positions trees (see mlopsc.source.Positions): small helpers to read and graft them.

def _span_of(entry: Positions) -> RawSpan:
    return entry[0] if type(entry) is list else entry


def _child(entry: Positions, part: str | int) -> Positions:
    """The position of a child, or the parent's own when the child has none (an alias)."""
    if type(entry) is list:
        children = entry[1]
        if type(children) is dict and part in children:
            return children[part]
        if type(children) is list and type(part) is int and 0 <= part < len(children):
            return children[part]
    return _span_of(entry)


def _key_span(entry: Positions, key: str) -> RawSpan:
    if type(entry) is list and entry[2] is not None and key in entry[2]:
        return entry[2][key]
    return _span_of(entry)


def _node(entry: list, key: str) -> list:
    """The position node of a mapping child, made into a node if it was a bare span."""
    child = entry[1].get(key)
    if type(child) is not list:
        child = entry[1][key] = [child if child is not None else entry[0], {}, {}]
    return child


def _graft(entry: list, key: str, source: Positions) -> None:
    """Set the position of ``key`` under ``entry`` to that of ``key`` under ``source``."""
    entry[1][key] = _child(source, key)
    entry[2][key] = _key_span(source, key)


class _Includes:
    """Join the files named in ``include:`` (recursively) into the root document."""

    def __init__(self, session: _Session, document: dict, positions: list) -> None:
        self.session = session
        self.document = document
        self.positions = positions

    def run(self, display: str, real: str) -> None:
        root = os.path.realpath(real)
        seen = {root}
        tasks = self.entries(self.document, self.positions, display, real, ((root, display),),
                             strict=False)
        while tasks:
            name, span, parent_display, parent_real, chain = tasks.pop()
            shown = os.path.normpath(os.path.join(os.path.dirname(parent_display), name))
            path = os.path.join(os.path.dirname(parent_real), name)
            key = os.path.realpath(path)
            if any(key == link for link, _ in chain):
                cycle = " -> ".join([*(shown_ for _, shown_ in chain), shown])
                self.session.report("E111", f"include cycle: {cycle}", span)
                continue
            if key in seen:  # included twice without a cycle (a shared file): once is enough
                continue
            seen.add(key)
            tree = self.load(name, span, path, shown)
            if tree is not None:
                self.join(tree, shown)
                tasks.extend(self.entries(tree.document, tree.positions, shown, path,
                                          (*chain, (key, shown)), strict=True))

    def entries(self, document: dict, positions: Positions, display: str, real: str,
                chain: tuple, *, strict: bool) -> list[tuple]:
        """The include entries of a file, last first (the task list is a stack)."""
        names = document.get("include")
        where_ = _child(positions, "include")
        if names is None:
            return []
        if not isinstance(names, list):
            if strict:  # the root's `include` is checked by the schema pass
                self.session.report("E207", "include must be a list of file paths",
                                    _span_of(where_), ("include",))
            return []
        tasks = []
        for i, name in enumerate(names):
            if isinstance(name, str) and name:
                tasks.append((name, _span_of(_child(where_, i)), display, real, chain))
            elif strict:
                self.session.report("E207", "an include entry must be a file path",
                                    _span_of(_child(where_, i)), ("include", i))
        return tasks[::-1]

    def load(self, name: str, span: RawSpan, path: str, shown: str) -> Tree | None:
        try:
            data = _read(path, self.session.limits.max_bytes)
        except OSError as error:
            reason = "no such file" if isinstance(error, FileNotFoundError) else (
                "it is a directory" if isinstance(error, IsADirectoryError)
                else error.strerror or str(error))
            self.session.report("E110", f"cannot include '{name}' ({shown}): {reason}", span)
            self.session.whole = False
            return None
        tree = self.session.parse(data, shown)
        if tree is None or tree.document is None:
            self.session.whole = False
            return None
        return tree

    def join(self, tree: Tree, shown: str) -> None:
        document, positions = tree.document, tree.positions
        self.check_api_version(document, positions, shown)
        for name, value in document.items():
            if name in _NOT_JOINED:
                continue
            if name not in self.document:
                self.document[name] = value
                _graft(self.positions, name, positions)
            elif isinstance(self.document[name], dict) and isinstance(value, dict):
                self.join_section(name, value, _child(positions, name))
            else:
                self.conflict((name,), _key_span(positions, name),
                              _key_span(self.positions, name))

    def join_section(self, name: str, entries: dict, positions: Positions) -> None:
        section = self.document[name] = dict(self.document[name])  # may be shared by an alias
        node = _node(self.positions, name)
        for entry, value in entries.items():
            if entry in section:
                self.conflict((name, entry), _key_span(positions, entry), _key_span(node, entry))
            else:
                section[entry] = value
                _graft(node, entry, positions)

    def conflict(self, path: Path, span: RawSpan, first: RawSpan) -> None:
        self.session.report("E112", f"'{format_path(path)}' is already defined at {where(first)}",
                            span, path)

    def check_api_version(self, document: dict, positions: Positions, shown: str) -> None:
        root, mine = self.document.get("apiVersion"), document.get("apiVersion")
        if "apiVersion" in document and "apiVersion" in self.document and mine != root:
            self.session.report(
                "E201", f"included file {shown} declares apiVersion {mine!r}, but the root "
                f"spec declares {root!r}", _span_of(_child(positions, "apiVersion")),
                ("apiVersion",), hint="use the same apiVersion in every file")


def _overlay(session: _Session, document: dict, positions: list, environment: str) -> None:
    """Deep-merge ``environments.<environment>.overrides`` into the document.

    Mappings merge key by key; any other value replaces. The positions of replaced values
    become those of the override, so a finding lands on the line that set the value.
    """
    declared = document.get("environments")
    declared = declared if isinstance(declared, dict) else {}
    if environment not in declared:
        _unknown_environment(session, environment, declared, positions)
        return
    settings = declared[environment]
    overrides = settings.get("overrides") if isinstance(settings, dict) else None
    where_ = _child(_child(_child(positions, "environments"), environment), "overrides")
    base: Path = ("environments", environment, "overrides")
    if overrides is None:
        return
    if not isinstance(overrides, dict):
        session.report("E207", "overrides must be a mapping of spec values", _span_of(where_),
                       base)
        return
    for key in _NOT_OVERRIDABLE:
        if key in overrides:
            session.report("E207", f"an environment cannot override '{key}'",
                           _key_span(where_, key), (*base, key))
    pending = [(document, positions, {k: v for k, v in overrides.items()
                                      if k not in _NOT_OVERRIDABLE}, where_)]
    while pending:
        target, node, source, source_positions = pending.pop()
        for key, value in source.items():
            current = target.get(key)
            if isinstance(current, dict) and isinstance(value, dict):
                target[key] = merged = dict(current)  # the original may be shared by an alias
                pending.append((merged, _node(node, key), value, _child(source_positions, key)))
            else:
                target[key] = value
                _graft(node, key, source_positions)


def _unknown_environment(session: _Session, name: str, declared: dict,
                         positions: Positions) -> None:
    names = sorted(str(n) for n in declared)
    close = difflib.get_close_matches(name, names, n=1)
    message = f"unknown environment '{name}'" + (f"; did you mean '{close[0]}'?" if close else "")
    hint = (f"declared environments: {', '.join(names)}" if names
            else "declare it under `environments:` in the spec")
    span = _key_span(positions, "environments") if names else None
    session.report("E114", message, span, ("environments",) if names else None, hint=hint)
