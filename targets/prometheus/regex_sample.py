"""Label values that match (or do not match) an error selector's regex, for unit tests.

Prometheus anchors label regexes (``code=~"5.."`` matches ``500``, not ``1500``). The
generated ``promtool test rules`` files need a concrete error value and a concrete good
value for every SLI; this walks the pattern's parse tree and takes the shortest choice at
each node, then checks the result with a real match.

>>> matching("5.."), not_matching("5..")
('500', '200')
>>> matching("5..|429"), matching("(timeout|error)_[a-z]+")
('500', 'timeout_a')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # typeshed describes re's parser under its pre-3.11 names
    import sre_constants as _c
    import sre_parse as _p
else:  # the old names warn on import since 3.11
    from re import _constants as _c
    from re import _parser as _p

# A parsed regex: (opcode, argument) pairs, the argument's shape set by the opcode.
_Items = Iterable[tuple[Any, Any]]

_CATEGORY: dict[Any, str] = {_c.CATEGORY_DIGIT: "0", _c.CATEGORY_WORD: "a", _c.CATEGORY_SPACE: " ",
             _c.CATEGORY_NOT_DIGIT: "a", _c.CATEGORY_NOT_WORD: "-", _c.CATEGORY_NOT_SPACE: "a"}
_GOOD = ("200", "ok", "0", "success", "none", "x")
MAX_SAMPLE = 1024
"""Longest sample built. The spec's RE2 check already bounds repetition (at most 1000 in
all); this bound holds even without it: ``(5{10000}){10000}`` stops here, not at 100 MB."""


class NoSample(ValueError):
    """No value could be found (the caller leaves that SLI without a unit test)."""


def matching(pattern: str) -> str:
    """A short value that ``pattern`` matches in full."""
    try:
        text = _walk(_p.parse(pattern).data)
    except (re.error, KeyError, TypeError, ValueError, OverflowError) as error:
        raise NoSample(f"cannot build a value matching {pattern!r}: {error}") from None
    if not _fullmatch(pattern, text):
        raise NoSample(f"cannot build a value matching {pattern!r}")
    return text


def not_matching(pattern: str) -> str:
    """A plain value that ``pattern`` does not match in full."""
    for candidate in _GOOD:
        if not _fullmatch(pattern, candidate):
            return candidate
    raise NoSample(f"{pattern!r} matches every ordinary value")


def _fullmatch(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches all of ``text``, as Prometheus judges it: with RE2,
    in linear time (Python's backtracking ``re`` can take exponential time)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options).fullmatch(text) is not None
    except re2.error as error:
        raise NoSample(f"RE2 refuses {pattern!r}") from error


def _walk(items: _Items) -> str:
    text = "".join(_node(op, arg) for op, arg in items)
    if len(text) > MAX_SAMPLE:
        raise ValueError(f"a sample would be longer than {MAX_SAMPLE} characters")
    return text


def _node(op: Any, arg: Any) -> str:
    if op is _c.LITERAL:
        return chr(arg)
    if op is _c.ANY:
        # "0" satisfies most patterns that put `.` among digits (`5..`).
        return "0"
    if op is _c.IN:
        return _in(arg)
    if op is _c.BRANCH:
        return _walk(arg[1][0])
    if op is _c.SUBPATTERN:
        return _walk(arg[-1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low: int
        low, _high, body = arg
        text = _walk(body)
        if len(text) * low > MAX_SAMPLE:
            raise ValueError(f"a sample would be longer than {MAX_SAMPLE} characters")
        return text * low
    if op is _c.AT:
        return ""
    if op is _c.CATEGORY:
        return _CATEGORY[arg]
    if op is _c.NOT_LITERAL:
        return "a" if arg != ord("a") else "b"
    raise ValueError(f"unsupported construct {op}")


def _in(items: list[tuple[Any, Any]]) -> str:
    if items and items[0][0] is _c.NEGATE:
        excluded = re.compile("[" + "".join(_class_text(i) for i in items[1:]) + "]")
        for candidate in "0a-_A":
            if not excluded.fullmatch(candidate):
                return candidate
        raise ValueError("negated class excludes every candidate")
    op, arg = items[0]
    if op is _c.LITERAL:
        return chr(arg)
    if op is _c.RANGE:
        return chr(arg[0])
    if op is _c.CATEGORY:
        return _CATEGORY[arg]
    raise ValueError(f"unsupported class item {op}")


def _class_text(item: tuple[Any, Any]) -> str:
    op, arg = item
    if op is _c.LITERAL:
        return re.escape(chr(arg))
    if op is _c.RANGE:
        return f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
    if op is _c.CATEGORY:
        return {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_SPACE: r"\s",
                _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_NOT_WORD: r"\W",
                _c.CATEGORY_NOT_SPACE: r"\S"}[arg]
    raise ValueError(f"unsupported class item {op}")
