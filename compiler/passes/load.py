"""Load a spec: read the files, parse YAML with positions, join includes, apply an environment.

This is the first pass. It turns ``mlops.yaml`` (and the files it includes) into plain data
(dicts, lists, strings, numbers, booleans, None) and a :class:`~mlopsc.source.SourceIndex`
that maps every spec path to ``file:line:col``. Problems become diagnostics (``E101`` to
``E121``); only a spec file that cannot be read at all raises :class:`SpecFileError`.

The spec is untrusted (see ``docs/security.md``): it reads only regular files under its
root (:mod:`mlopsc.reading.spec_root`), each bounded in bytes, and together too. Only files that
were accepted as spec files (read, and parsed as a YAML mapping) join the source index, so
no finding can print a line of another file; the root spec's own lines are always shown.

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
from typing import Any, cast

from mlopsc.diagnostics import Diagnostic, Diagnostics
from mlopsc.reading.git_ignore import IgnoreCheck
from mlopsc.reading.safe_read import MAX_BYTES, NotRegular, TooLarge, opened_path, read_fd
from mlopsc.reading.safe_read import open_regular as _open_regular
from mlopsc.reading.spec_root import (
    Refused,
    Resolver,
    SpecRoot,
    confine,
    in_git_dir,
    short_name,
    too_many,
)
from mlopsc.reading.yaml_events import AliasBudget, Tree, build_tree, where
from mlopsc.source import Path, Positions, RawSpan, SourceIndex, Span, format_path

DEFAULT_MAX_BYTES = MAX_BYTES
# Codes whose message holds nothing of the file's text; others (a syntax error near a token,
# a duplicate key, a tag's value) are replaced by the code's title for a file that turned
# out not to be a spec, so that its content is never published.
_CONTENT_FREE = frozenset(("E101", "E102", "E103", "E106", "E113", "E115"))
_BOM = b"\xef\xbb\xbf"
_NOT_OVERRIDABLE = ("apiVersion", "include", "environments")
_NOT_JOINED = ("apiVersion", "include")
MAX_INCLUDES = 1000
"""Include entries one spec may hold, in all its files together (E125)."""


class SpecFileError(Exception):
    """The spec file cannot be read at all (missing, a directory, a FIFO, outside its root,
    no permission): exit 2."""


@dataclass
class Loaded:
    """The loaded spec: plain data, the path -> span index and the files read (root first).

    ``document`` is None when a fatal problem (reported as a diagnostic) made it unusable.
    """

    document: dict[str, Any] | None
    index: SourceIndex
    files: tuple[str, ...]


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    max_depth: int
    max_alias_nodes: int


def load_spec(path: str | os.PathLike[str], diagnostics: Diagnostics, *,
              environment: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              max_depth: int = 100, max_alias_nodes: int = 100_000,
              root: str | os.PathLike[str] | None = None) -> Loaded:
    """Load the spec at ``path`` with its includes, for ``environment`` if one is given.

    Spans name files as the user gave the path (``examples/x/mlops.yaml``); included files
    are shown relative to it (``examples/x/data.yaml``). ``root`` is the spec root (see
    :mod:`mlopsc.reading.spec_root`); by default the git work tree holding ``path``, else
    its folder.
    """
    display = os.fspath(path)
    spec_root = _spec_root(display, root)
    limits = _Limits(max_bytes, max_depth, max_alias_nodes)
    session = _Session(diagnostics, limits, spec_root)
    with session.ignore:
        data = _read_root_spec(display, spec_root, max_bytes, session)
        return session.run(data, display, display, environment)


def load_text(text_or_bytes: str | bytes, diagnostics: Diagnostics, *, file: str = "mlops.yaml",
              base_dir: str | os.PathLike[str] | None = None, environment: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = 100,
              max_alias_nodes: int = 100_000,
              root: str | os.PathLike[str] | None = None) -> Loaded:
    """Load a spec held in memory and shown as ``file``; includes are resolved from
    ``base_dir`` (by default the directory of ``file``, relative to the working directory)
    and must stay under ``root`` (by default found from ``base_dir``)."""
    data = text_or_bytes
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")  # a lone surrogate is then E102
    base = os.fspath(base_dir) if base_dir is not None else os.path.dirname(file)
    real = os.path.join(base, os.path.basename(file))
    limits = _Limits(max_bytes, max_depth, max_alias_nodes)
    session = _Session(diagnostics, limits, SpecRoot.of(real, root))
    with session.ignore:
        return session.run(bytes(data), file, real, environment)


def _spec_root(display: str, root: str | os.PathLike[str] | None) -> SpecRoot:
    spec_root = SpecRoot.of(display, root)
    if root is not None and not os.path.isdir(spec_root.real):
        raise SpecFileError(f"--root {os.fspath(root)}: not a directory")
    return spec_root


def _read_root_spec(display: str, root: SpecRoot, max_bytes: int,
                    session: _Session) -> bytes | int:
    """The root spec's bytes (its size when over ``max_bytes``): a regular file under the
    root, opened without blocking, so a FIFO or /dev/stdin is refused instead of waited on.

    A root spec reached through a symlink is the pull request's choice of file, not the CI
    owner's: it is read only when git does not ignore its target, and its text is shown
    only once it parsed as a mapping (like an include)."""
    real = os.path.realpath(display)
    if not root.holds_real(real):
        raise SpecFileError(f"cannot read {display}: its real path is outside the spec root "
                            f"{root.lexical} (a symbolic link?); pass --root to widen it")
    if in_git_dir(os.path.relpath(real, root.real)) or in_git_dir(display):
        raise SpecFileError(f"cannot read {display}: it is a file in a .git folder")
    session.linked = real != os.path.normpath(os.path.abspath(display))
    try:
        if session.linked:
            session.ignore.check(real)
        return _read(real, root, max_bytes)
    except TooLarge as error:
        return error.size
    except Refused as error:
        target = " (its symlink's target)" if error.code in ("E122", "E126") else ""
        raise SpecFileError(f"cannot read {display}: it{target} {error.reason}") from None
    except OSError as error:
        raise SpecFileError(_unreadable(display, error)) from None


def _read(real: str, root: SpecRoot, max_bytes: int) -> bytes:
    """Read ``real`` (already confined) as a regular file; raises NotRegular, TooLarge,
    OSError. The opened descriptor's own path is checked again, so a symlink swapped in
    after :func:`~mlopsc.reading.spec_root.confine` looked cannot lead outside."""
    fd = _open_regular(real, follow=False)
    opened = opened_path(fd)
    if opened is not None and not root.holds_real(opened):
        os.close(fd)
        raise Refused("E119", "is a symbolic link (or goes through one) to a path outside "
                              "the spec root")
    return read_fd(fd, max_bytes)


def _unreadable(path: str, error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return f"cannot read {path}: no such file"
    if isinstance(error, NotRegular):
        return f"cannot read {path}: {error}"
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

    def __init__(self, diagnostics: Diagnostics, limits: _Limits, root: SpecRoot) -> None:
        self.diagnostics = diagnostics
        self.limits = limits
        self.root = root
        self.index = SourceIndex()
        self.files: list[str] = []
        self.whole = True
        self.total = 0  # bytes of every file read so far: the limit holds for them together
        self.aliases = AliasBudget(limits.max_alias_nodes)  # so is the alias budget
        self.ignore = IgnoreCheck()
        self.resolver = Resolver()  # real paths, shared by every include
        self.includes = 0  # include entries seen in all files
        self.linked = False  # the root spec is reached through a symlink

    def report(self, code: str, message: str, span: RawSpan | None, path: Path | None = None,
               hint: str | None = None) -> None:
        self.diagnostics.add(code, message, span=Span(*span) if span else None, path=path,
                             hint=hint)

    def run(self, data: bytes | int, display: str, real: str, environment: str | None) -> Loaded:
        with _gc_paused():
            tree = self.parse(data, display)
            document = tree.document if tree else None
            if document is not None:
                # A document is a mapping here, so its positions are a list node.
                assert tree is not None and isinstance(tree.positions, list)
                self.index.add_tree(tree.positions)
                _Includes(self, document, tree.positions).run(display, real)
                if environment is not None:
                    _overlay(self, document, tree.positions, environment)
        return Loaded(document if self.whole else None, self.index, tuple(self.files))

    def parse(self, data: bytes | int, display: str, *, included: RawSpan | None = None
              ) -> Tree | None:
        """Check size and encoding, then build the tree of one file.

        An included file (``included`` is the span of its include entry) joins the source
        index only once it is a YAML mapping; until then its findings carry no text of it.
        """
        limit = self.limits.max_bytes
        size = data if isinstance(data, int) else len(data)
        where_ = included or (display, 1, 1, 1, 1)
        if size > limit:
            self.report("E101", f"{display} is {_size(size)}, over the limit of {_size(limit)}",
                        where_)
            return None
        if self.total + size > limit:
            self.report("E101", f"{display} brings the spec files to {_size(self.total + size)}, "
                        f"over the limit of {_size(limit)} for all of them together", where_)
            return None
        self.total += size
        assert isinstance(data, bytes)  # a size alone is over the limit: reported above
        if data.startswith(_BOM):
            data = data[3:]
        self.files.append(display)
        guarded = included is not None or self.linked  # a file the pull request chose
        scratch = Diagnostics(self.index)
        tree, text = self.build(data, display, scratch)
        accepted = tree is not None and tree.document is not None
        codes = {found.code for found in scratch}
        if accepted or not (guarded or "E113" in codes):
            self.index.add_source(display, text)  # never the text of a non-mapping document
        for found in scratch.sorted():
            self.forward(found, display, accepted or not guarded)
        return tree

    def build(self, data: bytes, display: str, diagnostics: Diagnostics
              ) -> tuple[Tree | None, str]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _position(data, error.start)
            diagnostics.add("E102", f"byte 0x{data[error.start]:02x} is not valid UTF-8",
                            span=Span(display, line, column, line, column + 1))
            return None, data.decode("utf-8", "replace")
        return build_tree(data, display, diagnostics, max_depth=self.limits.max_depth,
                          budget=self.aliases), text

    def forward(self, found: Diagnostic, display: str, accepted: bool) -> None:
        """Pass on a finding of an included file; its message is replaced by the code's
        title when the file is not a spec and the message could quote it."""
        if not accepted and found.code not in _CONTENT_FREE:
            from dataclasses import replace

            from mlopsc.codes import lookup

            found = replace(found, message=f"{lookup(found.code).title} in {display}; its text "
                                           "is not shown, as it is not a spec file")
        self.diagnostics.append(found)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset; the bytes before it are valid."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


# Positions trees (see mlopsc.source.Positions): small helpers to read and graft them.

def _span_of(entry: Positions) -> RawSpan:
    if type(entry) is list:
        span: RawSpan = entry[0]
        return span
    return cast(RawSpan, entry)  # not a plain list: a leaf, its span


def _child(entry: Positions, part: str | int) -> Positions:
    """The position of a child, or the parent's own when the child has none (an alias)."""
    if type(entry) is list:
        children = entry[1]
        child: Positions
        if type(children) is dict and part in children:
            child = children[part]
            return child
        if type(children) is list and type(part) is int and 0 <= part < len(children):
            child = children[part]
            return child
    return _span_of(entry)


def _key_span(entry: Positions, key: str) -> RawSpan:
    if type(entry) is list and entry[2] is not None and key in entry[2]:
        span: RawSpan = entry[2][key]
        return span
    return _span_of(entry)


def _node(entry: list[Any], key: str) -> list[Any]:
    """The position node of a mapping child, made into a node if it was a bare span."""
    child = entry[1].get(key)
    if type(child) is not list:
        child = entry[1][key] = [child if child is not None else entry[0], {}, {}]
    return child


def _graft(entry: list[Any], key: str, source: Positions) -> None:
    """Set the position of ``key`` under ``entry`` to that of ``key`` under ``source``."""
    entry[1][key] = _child(source, key)
    entry[2][key] = _key_span(source, key)


class _Includes:
    """Join the files named in ``include:`` (recursively) into the root document."""

    def __init__(self, session: _Session, document: dict[str, Any], positions: list[Any]) -> None:
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
            try:
                key = confine(name, os.path.dirname(parent_real), self.session.root,
                              self.session.resolver)
            except Refused as refused:
                self.refuse(refused, name, span)
                continue
            except NotRegular as error:  # a loop of symlinks
                self.refuse(Refused("E120", f"is not a regular file ({error})"), name, span)
                continue
            if any(key == link for link, _ in chain):
                cycle = " -> ".join([*(shown_ for _, shown_ in chain), shown])
                self.session.report("E111", f"include cycle: {cycle}", span)
                continue
            if key in seen:  # included twice without a cycle (a shared file): once is enough
                continue
            seen.add(key)
            try:
                self.session.ignore.check(key)
            except Refused as refused:
                self.refuse(refused, name, span)
                continue
            tree = self.load(name, span, key, shown)
            if tree is not None:
                self.join(tree, shown)
                assert tree.document is not None and tree.positions is not None  # see load
                tasks.extend(self.entries(tree.document, tree.positions, shown, path,
                                          (*chain, (key, shown)), strict=True))

    def entries(self, document: dict[str, Any], positions: Positions, display: str, real: str,
                chain: tuple[Any, ...], *, strict: bool) -> list[tuple[Any, ...]]:
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
            if isinstance(name, str) and name and self.counted(name, _span_of(_child(where_, i))):
                tasks.append((name, _span_of(_child(where_, i)), display, real, chain))
            elif strict:
                self.session.report("E207", "an include entry must be a file path",
                                    _span_of(_child(where_, i)), ("include", i))
        return tasks[::-1]

    def counted(self, name: object, span: RawSpan) -> bool:
        """Count one include entry; past :data:`MAX_INCLUDES` the first one over is refused
        (E125) and the rest are dropped unread (each costs a path resolution and a file)."""
        session = self.session
        session.includes += 1
        if session.includes == MAX_INCLUDES + 1:
            self.refuse(too_many(session.includes, MAX_INCLUDES), str(name), span)
        return session.includes <= MAX_INCLUDES

    def refuse(self, refused: Refused, name: str, span: RawSpan) -> None:
        """An include that is not read at all: named, never quoted."""
        self.session.report(refused.code, f"include '{short_name(name)}' {refused.reason}"
                            f"{_why(refused)}", span)
        self.session.whole = False

    def load(self, name: str, span: RawSpan, real: str, shown: str) -> Tree | None:
        session = self.session
        try:
            data: bytes | int = _read(real, session.root, session.limits.max_bytes)
        except TooLarge as error:
            data = error.size
        except Refused as refused:
            self.refuse(refused, name, span)
            return None
        except NotRegular as error:
            self.refuse(Refused("E120", f"is not a regular file ({error})"), name, span)
            return None
        except OSError as error:
            reason = "no such file" if isinstance(error, FileNotFoundError) else (
                error.strerror or str(error))
            session.report("E110", f"cannot include '{name}' ({shown}): {reason}", span)
            session.whole = False
            return None
        tree = session.parse(data, shown, included=span)
        if tree is None or tree.document is None:
            session.whole = False
            return None
        return tree

    def join(self, tree: Tree, shown: str) -> None:
        document, positions = tree.document, tree.positions
        # load() returns only a tree with a document, which comes with its positions.
        assert document is not None and positions is not None
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

    def join_section(self, name: str, entries: dict[str, Any], positions: Positions) -> None:
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

    def check_api_version(self, document: dict[str, Any], positions: Positions, shown: str) -> None:
        root, mine = self.document.get("apiVersion"), document.get("apiVersion")
        if "apiVersion" in document and "apiVersion" in self.document and mine != root:
            self.session.report(
                "E201", f"included file {shown} declares apiVersion {mine!r}, but the root "
                f"spec declares {root!r}", _span_of(_child(positions, "apiVersion")),
                ("apiVersion",), hint="use the same apiVersion in every file")


def _why(refused: Refused) -> str:
    """The rule behind a path refusal, for the codes that confine paths to the root."""
    if refused.code in ("E117", "E118", "E119", "E120"):
        return "; a spec reads only regular files under its root"
    return ""


def _overlay(session: _Session, document: dict[str, Any], positions: list[Any],
             environment: str) -> None:
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


def _unknown_environment(session: _Session, name: str, declared: dict[str, Any],
                         positions: Positions) -> None:
    names = sorted(str(n) for n in declared)
    close = difflib.get_close_matches(name, names, n=1)
    message = f"unknown environment '{name}'" + (f"; did you mean '{close[0]}'?" if close else "")
    hint = (f"declared environments: {', '.join(names)}" if names
            else "declare it under `environments:` in the spec")
    span = _key_span(positions, "environments") if names else None
    session.report("E114", message, span, ("environments",) if names else None, hint=hint)
