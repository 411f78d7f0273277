"""Plain data from libyaml events, with the position of every node.

PyYAML's constructors recurse (a deeply nested document overflows the stack), resolve
scalars by YAML 1.1 (``on`` becomes ``True``) and forget positions. This module reads the
event stream of libyaml instead and builds the tree with an explicit stack:

* scalars resolve by the YAML 1.2 *core schema*; quoted scalars are always strings;
* every node's span, a ``(file, line, column, end_line, end_column)`` tuple (1-based), goes
  into a positions tree that mirrors the document (:data:`mlopsc.source.Positions`), with
  the spans of mapping keys beside it;
* anchors, aliases and merge keys (``<<``) work, with limits on depth and on the nodes and
  the scalar bytes an alias materialises, so that a "billion laughs" document (or one long
  string aliased a thousand times) stops early and cheaply; an :class:`AliasBudget` shared
  by several texts (the files of one spec) bounds them together, not each;
* numbers beyond 64 bits (``1e400``, an integer of 400 digits) are an ``E121`` finding,
  never a huge int that a later ``str()`` or a Rust engine cannot take.

>>> from mlopsc.diagnostics import Diagnostics
>>> tree = build_tree("a: [on, 0x1F, '1']\\n", "x.yaml", Diagnostics())
>>> tree.document, tree.positions[1]["a"][1][1]
({'a': ['on', 31, '1']}, ('x.yaml', 1, 9, 1, 13))
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path, Positions, RawSpan, Span

_TAG = "tag:yaml.org,2002:"
_NULLS = ("~", "null", "Null", "NULL", "")
_CONSTANTS: dict[str, object] = {
    **dict.fromkeys(_NULLS),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_NUMERIC_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_TYPES = {"int": int, "float": float, "bool": bool, "null": type(None)}
_INT_MIN, _INT_END = -(2**63), 2**64
_MAX_NUMBER_TEXT = 64  # longer numeric text is out of range or silly; never convert it
_INF = math.inf
MAX_ALIAS_BYTES = 16 * 1024 * 1024
"""Scalar bytes that aliases may materialise in one document."""

_MISSING = object()
_NO_KEY = object()  # a mapping waits for its next key
_DROP = object()  # the next value belongs to a rejected key and is dropped
_MERGE = object()  # the next value is merged into the mapping (`<<`)
_OPEN = object()  # an anchored node still being built: an alias to it is recursive
_ROOT, _MAP, _SEQ = 0, 1, 2


@dataclass(slots=True)
class AliasBudget:
    """What aliases may materialise, and have so far, across every text built with it."""

    nodes: int = 100_000
    bytes: int = MAX_ALIAS_BYTES
    used_nodes: int = 0
    used_bytes: int = 0


@dataclass(slots=True)
class Tree:
    """What one YAML text holds: ``document`` is None when a fatal problem was found.

    ``positions`` mirrors the document (see :mod:`mlopsc.source`): a mapping or sequence
    is ``[span, children, key_spans]``, any other node (or an alias) its span.
    """

    document: dict[str, Any] | None
    positions: Positions | None


def resolve_plain(text: str) -> object:
    """Resolve a plain scalar by the YAML 1.2 core schema.

    >>> [resolve_plain(t) for t in ("~", "yes", "FALSE", "0o17", "-1.5e3", ".nan", "2024-01-01")]
    [None, 'yes', False, 15, -1500.0, nan, '2024-01-01']
    >>> type(resolve_plain("1e400")).__name__
    'OutOfRange'
    """
    value = _CONSTANTS.get(text, _MISSING)
    if value is not _MISSING:
        return value
    return _number(text) if text[0] in _NUMERIC_START else text


class OutOfRange(str):
    """The text of a number literal beyond 64 bits; the builder reports it (E121)."""

    __slots__ = ()


def _number(text: str) -> object:
    # Runs for every plain scalar that starts like a number: keep the common case short.
    if _INT.match(text):
        value = int(text) if len(text) <= _MAX_NUMBER_TEXT else _INT_END  # no 5,000-digit int()
        return value if _INT_MIN <= value < _INT_END else OutOfRange(text)
    if _OCT.match(text) or _HEX.match(text):
        value = int(text, 8 if text[1] == "o" else 16) if len(text) <= _MAX_NUMBER_TEXT else -1
        return value if 0 <= value < _INT_END else OutOfRange(text)
    if _FLOAT.match(text):
        real = float(text)
        return real if -_INF < real < _INF else OutOfRange(text)
    return text


def show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _Mark(Protocol):
    """A parser position: PyYAML's ``Mark``, or the C parser's own class."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


def raw_span(start: _Mark, end: _Mark, file: str) -> RawSpan:
    return (file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def where(span: RawSpan) -> str:
    return f"{span[0]}:{span[1]}:{span[2]}"


class _Fatal(Exception):
    """Stops the event loop: the tree cannot be used."""


def build_tree(source: str | bytes, file: str, diagnostics: Diagnostics, *,
               max_depth: int = 100, max_alias_nodes: int = 100_000,
               max_alias_bytes: int = MAX_ALIAS_BYTES, mapping: bool = True,
               budget: AliasBudget | None = None) -> Tree:
    """Parse one YAML text; report problems as diagnostics.

    With ``mapping`` (the default) the document must be a mapping (E113); without it any
    document is returned as ``Tree.document``. ``budget`` (shared by the files of one
    spec) replaces ``max_alias_nodes`` and ``max_alias_bytes`` and records what was used.
    """
    budget = budget or AliasBudget(max_alias_nodes, max_alias_bytes)
    builder = _Builder(file, diagnostics, max_depth, budget.nodes)
    builder.max_alias_bytes = budget.bytes
    builder.budget = budget
    builder.mapping = mapping
    parser = yaml.CSafeLoader(source)
    try:
        document = builder.run(parser.get_event)
    except _Fatal:
        document = None
    except yaml.MarkedYAMLError as error:
        builder.syntax_error(error)
        document = None
    except yaml.YAMLError as error:  # a ReaderError (e.g. a control character) has an offset
        builder.reader_error(error, source)
        document = None
    finally:
        parser.dispose()
    return Tree(document, builder.positions if document is not None else None)


class _Builder:
    def __init__(self, file: str, diagnostics: Diagnostics, max_depth: int,
                 max_alias_nodes: int) -> None:
        self.file = file
        self.diagnostics = diagnostics
        self.max_depth = max_depth
        self.max_alias_nodes = max_alias_nodes
        self.max_alias_bytes = MAX_ALIAS_BYTES
        self.budget = AliasBudget()
        self.mapping = True
        self.positions: Positions | None = None
        self.stack: list[tuple[Any, ...]] = []

    def report(self, code: str, message: str, span: RawSpan, path: Path | None = None) -> None:
        self.diagnostics.add(code, message, span=Span(*span), path=path)

    def fatal(self, code: str, message: str, span: RawSpan) -> _Fatal:
        self.report(code, message, span)
        return _Fatal()

    def run(self, get_event: Callable[[], Any]) -> dict[str, Any] | None:
        # One loop with everything in locals: it runs once per YAML node, and a spec of a
        # thousand models has more than half a million of them. Positions go into a tree
        # that mirrors the document (see mlopsc.source), so no path tuple is built here.
        file, max_depth, max_alias_nodes = self.file, self.max_depth, self.max_alias_nodes
        max_alias_bytes, out_of_range = self.max_alias_bytes, OutOfRange
        constants, numeric_start, number = _CONSTANTS, _NUMERIC_START, _number
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
        no_key, drop, merge_key, missing = _NO_KEY, _DROP, _MERGE, _MISSING

        anchors: dict[str, object] = {}
        stack: list[tuple[Any, ...]] = self.stack
        # The open container's state, saved on ``stack`` while a child is built. Any: a
        # mapping's node and kids are dicts, a sequence's lists, in one hot loop.
        node: Any
        kids: Any
        kkeys: Any
        inner: list[Any]
        pos: Positions
        kind, node, kids, kkeys, key, key_span, merges = _ROOT, None, None, None, no_key, None, None
        depth = deepest = nodes = documents = 0
        scalar_bytes = 0  # bytes of scalars, counting aliased ones each time
        budget = self.budget
        aliased, aliased_bytes = budget.used_nodes, budget.used_bytes  # earlier files' share
        together = " in all spec files together" if aliased or aliased_bytes else ""
        root = missing
        plain = False
        while True:
            event = get_event()
            cls = event.__class__
            if cls is scalar_event:
                start, end = event.start_mark, event.end_mark
                span = pos = (file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                value = event.value
                tag = event.tag
                nodes += 1
                scalar_bytes += len(value)
                if tag is None:
                    plain = not event.style
                    if plain:
                        resolved = constants.get(value, missing)
                        if resolved is not missing:
                            value = resolved
                        elif value[0] in numeric_start:
                            value = number(value)
                            if type(value) is out_of_range:
                                value = self.out_of_range(value, span)
                else:
                    plain = False
                    value = self.tagged(value, tag, event.style, span)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, 0, len(event.value))
            elif cls is map_start or cls is seq_start:
                depth += 1
                if depth > max_depth:
                    start = event.start_mark
                    raise self.fatal("E108", f"nesting deeper than {max_depth} levels",
                                     raw_span(start, start, file))
                stack.append((kind, node, kids, kkeys, key, key_span, merges,
                              event.start_mark, event.anchor, nodes, deepest, scalar_bytes))
                nodes += 1
                deepest = depth
                if event.tag is not None:
                    self.container_tag(event, cls is map_start)
                if event.anchor is not None:
                    anchors[event.anchor] = _OPEN
                if cls is map_start:
                    kind, node, kids, kkeys, key, merges = _MAP, {}, {}, {}, no_key, None
                else:
                    kind, node, kids, kkeys = _SEQ, [], [], None
                continue
            elif cls is map_end or cls is seq_end:
                if merges:
                    self.merge(node, kids, kkeys, merges)
                value = node
                inner = [None, kids, kkeys]
                height = deepest - depth + 1
                (kind, node, kids, kkeys, key, key_span, merges,
                 start, anchor, first_node, outer_deepest, first_bytes) = stack.pop()
                depth -= 1
                deepest = max(deepest, outer_deepest)
                end = event.end_mark
                span = inner[0] = (file, start.line + 1, start.column + 1,
                                   end.line + 1, end.column + 1)
                pos = inner
                if anchor is not None:
                    anchors[anchor] = (value, nodes - first_node, height,
                                       scalar_bytes - first_bytes)
                plain = False
            elif cls is alias_event:
                span = pos = raw_span(event.start_mark, event.end_mark, file)
                value, size, height, size_bytes = self.alias(
                    anchors.get(event.anchor, missing), event.anchor, span)
                nodes += size
                aliased += size
                scalar_bytes += size_bytes
                aliased_bytes += size_bytes
                budget.used_nodes, budget.used_bytes = aliased, aliased_bytes
                if aliased > max_alias_nodes:
                    raise self.fatal("E106", f"aliases expand to more than {max_alias_nodes} "
                                     f"nodes{together}", span)
                if aliased_bytes > max_alias_bytes:
                    raise self.fatal("E106", f"aliases expand to more than {max_alias_bytes} "
                                     f"bytes of scalars{together}", span)
                if depth + height > deepest:
                    deepest = depth + height
                    if deepest > max_depth:
                        raise self.fatal("E108", f"nesting deeper than {max_depth} levels "
                                         f"once alias *{event.anchor} is expanded", span)
                plain = False
            elif cls is doc_start:
                documents += 1
                if documents > 1:
                    raise self.fatal("E115", "the file holds more than one YAML document",
                                     raw_span(event.start_mark, event.end_mark, file))
                continue
            elif cls is stream_end:
                break
            else:
                continue
            # Place the finished node `value` (at `pos`) into the node being built.
            if kind == _MAP:
                if key is no_key:
                    if type(value) is str:
                        if plain and value == "<<":
                            if merges is not None:
                                self.duplicate("<<", span, merges[0][2])
                                key = drop
                            else:
                                key, key_span = merge_key, span
                        elif value in node:
                            self.duplicate(value, span, kkeys[value])
                            key = drop
                        else:
                            key, key_span = value, span
                    else:
                        self.bad_key(value, span)
                        key = drop
                else:
                    if key is merge_key:
                        merges = [(value, span, key_span)]
                    elif key is not drop:
                        node[key] = value
                        kids[key] = pos
                        kkeys[key] = key_span
                    key = no_key
            elif kind == _SEQ:
                node.append(value)
                kids.append(pos)
            else:
                root, self.positions = value, pos
        return self.finish(root, plain)

    def finish(self, root: object, plain: bool) -> dict[str, Any] | None:
        positions = self.positions
        span: RawSpan | None = positions[0] if isinstance(positions, list) else positions
        # A root, once built, comes with its positions: span is None only with no root.
        if root is _MISSING or (root is None and plain and span is not None
                                and span[1:3] == span[3:5]):
            self.report("E103", "the file holds no YAML document", (self.file, 1, 1, 1, 1))
            return None
        assert span is not None
        if not isinstance(root, dict) and self.mapping:
            # Only the kind: the text may be a file that is no spec at all (/etc/passwd).
            self.report("E113", f"the document is {_kind(root)}, not a mapping", span)
            return None
        return root  # type: ignore[return-value]

    def path_here(self) -> Path:
        """The path of the mapping or sequence being built (for messages only)."""
        parts: list[str | int] = []
        for kind, node, _, _, key, *_ in self.stack:
            if kind == _SEQ:
                parts.append(len(node))
            elif kind == _MAP and isinstance(key, str):
                parts.append(key)
        return tuple(parts)

    def tagged(self, value: str, tag: str, style: str | None, span: RawSpan) -> object:
        if tag == "!" or tag == _TAG + "str":
            return value
        name = tag[len(_TAG):] if tag.startswith(_TAG) else None
        if name in _TYPES:
            resolved = resolve_plain(value) if value else None
            if type(resolved) is OutOfRange:
                return self.out_of_range(resolved, span)
            if name == "float" and type(resolved) is int:
                return float(resolved)
            if type(resolved) is _TYPES[name]:
                return resolved
            self.report("E109", f"tag !!{name} does not fit the value {value!r}", span)
            return value
        if name in ("map", "seq"):
            self.report("E109", f"tag !!{name} cannot mark a scalar", span)
        else:
            self.report("E109", f"unsupported YAML tag {show_tag(tag)}", span)
        return resolve_plain(value) if not style else value

    def container_tag(self, event: Any, is_map: bool) -> None:
        # event: a MappingStartEvent or SequenceStartEvent whose tag the caller saw is set
        # (the stubs type its tag and marks as optional).
        expected = _TAG + ("map" if is_map else "seq")
        if event.tag not in ("!", expected):
            span = raw_span(event.start_mark, event.start_mark, self.file)
            what = "mapping" if is_map else "sequence"
            if event.tag in (_TAG + "map", _TAG + "seq") or event.tag[len(_TAG):] in _TYPES:
                self.report("E109", f"tag {show_tag(event.tag)} cannot mark a {what}", span)
            else:
                self.report("E109", f"unsupported YAML tag {show_tag(event.tag)}", span)

    def out_of_range(self, text: str, span: RawSpan) -> str:
        shown = text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({len(text)} characters)"
        self.report("E121", f"the number {shown} is out of range (64 bits at most)", span)
        return str(text)

    def alias(self, entry: object, name: str, span: RawSpan) -> tuple[object, int, int, int]:
        if entry is _MISSING:
            raise self.fatal("E104", f"alias *{name} refers to no anchor defined before it", span)
        if entry is _OPEN:
            raise self.fatal("E116", f"alias *{name} refers to a node that contains it", span)
        return entry  # type: ignore[return-value]

    def duplicate(self, key: str, span: RawSpan, first: RawSpan) -> None:
        self.report("E105", f"duplicate key '{key}' (first at {where(first)})", span,
                    self.path_here() + (key,))

    def bad_key(self, value: object, span: RawSpan) -> None:
        self.report("E107", f"mapping key {_describe(value)} is not a string", span,
                    self.path_here())

    def merge(self, node: dict[str, Any], kids: dict[str, Any], kkeys: dict[str, Any],
              merges: list[Any]) -> None:
        value, span, key_span = merges[0]
        sources = value if isinstance(value, list) else [value]
        if not sources or not all(isinstance(s, dict) for s in sources):
            self.report("E104", "merge key '<<' needs a mapping or a list of mappings", span,
                        self.path_here())
            return
        for source in sources:  # explicit keys win, then earlier sources over later ones
            for key, item in source.items():
                if key not in node:
                    node[key] = item
                    kids[key] = span
                    kkeys[key] = key_span

    def syntax_error(self, error: yaml.MarkedYAMLError) -> None:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "maximum nesting depth" in (error.problem or ""):
            # libyaml 0.2.6 (PyYAML 6.0.4 wheels) stops at 1,000 flow levels while scanning
            # ahead, before the builder has seen level max_depth: the same refusal.
            self.report("E108", f"nesting deeper than {self.max_depth} levels",
                        (self.file, line, column, line, column))
            return
        message = error.problem or "cannot parse the YAML"
        if error.context and error.context_mark:
            started = error.context_mark
            message += f" ({error.context} at {started.line + 1}:{started.column + 1})"
        elif error.context:
            message += f" ({error.context})"
        self.report("E104", message, (self.file, line, column, line, column))

    def reader_error(self, error: yaml.YAMLError, source: str | bytes) -> None:
        offset = getattr(error, "position", 0) or 0
        data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
        before = data[:offset].decode("utf-8", "replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        reason = getattr(error, "reason", None) or str(error)
        self.report("E104", f"cannot read the YAML text: {reason}",
                    (self.file, line, column, line, column))


def _kind(value: object) -> str:
    if value is None or isinstance(value, (bool, int, float)):
        return _describe(value)
    return "a sequence" if isinstance(value, list) else "a string"


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a sequence"
    return repr(value)
