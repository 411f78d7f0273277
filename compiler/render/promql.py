"""Safe PromQL building blocks: quoting, name checks, selectors, durations and numbers.

Every string that comes from the spec goes into a query through :func:`quote` (a PromQL
double-quoted string literal) and every name through :func:`metric_name` or
:func:`label_name`, which refuse anything outside Prometheus' grammar. So a spec string
can never close a literal, add a matcher or break a query. Other targets (the Kubernetes
target's AnalysisTemplates) reuse this module.

>>> selector("http_requests_total", {"service": 'a",x="b'}, {"code": "5.."})
'http_requests_total{service="a\\\\",x=\\\\"b",code=~"5.."}'
>>> duration(5400), number(14.4 * 0.0005)
('1h30m', '0.0072')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache

from mlopsc.render.escape import double_quoted

__all__ = [
    "PromQLError",
    "duration",
    "is_label_name",
    "is_metric_name",
    "label_name",
    "matcher",
    "metric_name",
    "number",
    "quote",
    "regex_literal",
    "selector",
    "template_literal",
    "template_literals",
]

_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_RE2_META = re.compile(r"([\\.+*?()|\[\]{}^$])")
_INERT = '{{ "{{" }}'
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


class PromQLError(ValueError):
    """A name that Prometheus would reject (check names first and report a diagnostic)."""


def is_metric_name(name: str) -> bool:
    """``[a-zA-Z_:][a-zA-Z0-9_:]*`` (the classic grammar every Prometheus version accepts).

    >>> is_metric_name("http_requests_total"), is_metric_name("http-requests")
    (True, False)
    """
    return _METRIC.fullmatch(name) is not None


def is_label_name(name: str, *, allow_reserved: bool = False) -> bool:
    """``[a-zA-Z_][a-zA-Z0-9_]*``; names starting ``__`` are Prometheus' own.

    >>> is_label_name("code"), is_label_name("__name__"), is_label_name("a-b")
    (True, False, False)
    """
    return _LABEL.fullmatch(name) is not None and (allow_reserved or not name.startswith("__"))


@lru_cache(maxsize=1 << 12)
def metric_name(name: str) -> str:
    if not is_metric_name(name):
        raise PromQLError(f"{name!r} is not a valid Prometheus metric name")
    return name


@lru_cache(maxsize=1 << 12)
def label_name(name: str) -> str:
    if not is_label_name(name):
        raise PromQLError(f"{name!r} is not a valid Prometheus label name")
    return name


@lru_cache(maxsize=1 << 16)  # the same names and values recur in every rule of a spec
def quote(value: str) -> str:
    """A PromQL double-quoted string literal holding exactly ``value``.

    Backslash, double quote and every non-printable character (newlines, U+2028, ...) are
    escaped, so the literal stays on one line and ends where it should.

    >>> print(quote('5..\\n"} or vector(1)'))
    "5..\\n\\"} or vector(1)"
    """
    if value.isprintable() and "\\" not in value and '"' not in value:
        return f'"{value}"'
    return double_quoted(value)


def regex_literal(value: str) -> str:
    """An RE2 pattern matching exactly ``value`` (for ``=~`` over a list of values).

    >>> "|".join(regex_literal(v) for v in ("v1.2", "a|b"))
    'v1\\\\.2|a\\\\|b'
    """
    return _RE2_META.sub(r"\\\1", value)


def matcher(name: str, op: str, value: str) -> str:
    """One label matcher: ``name op "value"`` with ``op`` one of ``= != =~ !~``."""
    if op not in ("=", "!=", "=~", "!~"):
        raise PromQLError(f"unknown matcher operator {op!r}")
    return f"{label_name(name)}{op}{quote(value)}"


def selector(metric: str, equal: Mapping[str, str] = {},
             regex: Mapping[str, str] = {}) -> str:
    """``metric{a="x",b=~"y"}``: equality matchers first, then regex ones, each in given order.

    >>> selector("up"), selector("up", {"job": "api"})
    ('up', 'up{job="api"}')
    """
    parts = [matcher(k, "=", v) for k, v in equal.items()]
    parts += [matcher(k, "=~", v) for k, v in regex.items()]
    name = metric_name(metric)
    return f"{name}{{{','.join(parts)}}}" if parts else name


@lru_cache(maxsize=1 << 10)
def duration(seconds: float) -> str:
    """A Prometheus duration for a whole number of seconds (milliseconds otherwise).

    >>> duration(300), duration(2592000), duration(90061), duration(0.25)
    ('5m', '30d', '1d1h1m1s', '250ms')
    """
    if seconds <= 0:
        return "0s"
    if seconds != int(seconds):
        return f"{round(seconds * 1000)}ms"
    rest, out = int(seconds), []
    for unit, size in _UNITS:
        if rest >= size:
            out.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(out)


def number(value: float) -> str:
    """A float literal without binary noise: 12 significant digits.

    >>> number(0.1 + 0.2), number(1.0), number(1e-7)
    ('0.3', '1', '1e-07')
    """
    if math.isnan(value) or math.isinf(value):
        raise PromQLError(f"{value!r} is not a finite number")
    return format(value, ".12g")


def template_literal(value: str) -> str:
    """``value`` made inert for Go's text/template, used by alert labels and annotations.

    Prometheus expands alerting-rule label and annotation values as Go text/template, so a
    spec string holding ``{{`` would run as a template action (``{{ with query "..." }}``
    runs a query). Outside an action, text/template copies text verbatim and only looks
    for the left delimiter ``{{``; a right delimiter ``}}`` in text is plain text. So every
    ``{{`` is replaced by the action ``{{ "{{" }}``, which prints the two braces; no ``{{``
    is left in the text between actions, and the inserted action ends at its own ``}}``
    (its quoted ``"{{"`` is a Go string constant, not a delimiter).

    >>> template_literal("see {{ $value }}")
    'see {{ "{{" }} $value }}'
    >>> template_literal("{{{")
    '{{ "{{" }}{'
    """
    return value.replace("{{", _INERT) if "{{" in value else value


def template_literals(values: Mapping[str, str]) -> dict[str, str]:
    """Every value made inert with :func:`template_literal` (labels and annotations of a
    rule are escaped in one place, once, where the rule is built)."""
    return {key: template_literal(value) for key, value in values.items()}
