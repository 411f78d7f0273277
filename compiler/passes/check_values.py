"""Pass: check the small languages inside values (durations, cron, images, versions, ...)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_parameters import check_parameters
from mlopsc.source import Path
from mlopsc.spec import Spec
from mlopsc.values.quantity import MAX_QUANTITY, OutOfRange, parse_quantity
from mlopsc.values.regex_check import regex_problem
from mlopsc.values.scalar_limits import check_scalars
from mlopsc.values.spec_walk import walk_kinds
from mlopsc.values.units import (
    MAX_DURATION_MS,
    duration_ms,
    format_duration,
    is_semver,
    parse_image,
)

MAX_CRON_LENGTH = 256
"""Longest cron expression read: far above any real one (`0 3 * * 1-5` is 11)."""


def check_values(spec: Spec, bag: Diagnostics) -> None:
    """Report every malformed or out-of-range value: durations, cron schedules, quantities,
    images, versions, dates, regexes, parameter defaults and control characters."""
    check_scalars(spec, bag)
    for path, value, kind in walk_kinds(spec):
        _CHECKS[kind](path, value, bag)
    check_parameters(spec, bag)


def _duration(path: Path, value: Any, bag: Diagnostics, *, positive: bool = False) -> None:
    total = duration_ms(value)
    if total is None:
        bag.add("E305", f"{path[-1]}: {_short(value)} is not a duration", path=path,
                hint="write a number and a unit (ms, s, m, h, d, w), e.g. `90s` or `1h30m`")
    elif total > MAX_DURATION_MS:
        bag.add("E327", f"{path[-1]}: {_short(value)} is longer than "
                f"{format_duration(MAX_DURATION_MS / 1000)} (about 292 years), the longest "
                "duration Go, and so Prometheus, Kubernetes and Argo, can hold", path=path,
                hint="use a shorter duration, e.g. `30d` or `52w`")
    elif positive and total == 0:
        bag.add("E327", f"{path[-1]}: {value!r} is zero; it must be longer than zero",
                path=path, hint="use a positive duration, e.g. `30d` for a period, `5m` for "
                "a window")


def _positive_duration(path: Path, value: Any, bag: Diagnostics) -> None:
    _duration(path, value, bag, positive=True)


@lru_cache(maxsize=1024)
def valid_cron(value: str) -> bool:
    """A five-field cron expression or one of the @-macros (specs repeat schedules: cached)."""
    from croniter import croniter  # imported here: only specs with schedules pay for it

    if value.startswith("@"):
        return value in ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight",
                         "@hourly")
    # croniter expands lists: 50,000 items take seconds. No real schedule is this long.
    if len(value) > MAX_CRON_LENGTH or not value.isascii():
        return False
    return len(value.split()) == 5 and croniter.is_valid(value)


_LONGEST_MONTH: dict[int | str, int] = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}
"""Days of the months shorter than 31 (February in a leap year: a 29th does come)."""


@lru_cache(maxsize=1024)
def never_fires(value: str) -> bool:
    """True for a valid schedule whose days never occur (``0 0 30 2 *``, ``0 0 31 4,6 *``).

    croniter would search for decades and then raise; Airflow's timetable raises when it
    plans the next run. With a day-of-week set, cron fires on either field, so only a
    schedule whose day-of-week is ``*`` can never fire.
    """
    from croniter import croniter

    if value.startswith("@"):
        return False
    # The stubs say list[list[str]]; croniter gives ints for numbered fields ("*" stays a str).
    expanded = cast("list[list[int | str]]", croniter(value).expanded)
    _, _, days, months, weekdays = expanded
    day_numbers = [d for d in days if isinstance(d, int)]
    if weekdays != ["*"] or months == ["*"] or len(day_numbers) != len(days):
        return False
    return all(day > _LONGEST_MONTH.get(month, 31) for day in day_numbers for month in months)


def _cron(path: Path, value: Any, bag: Diagnostics) -> None:
    if not valid_cron(value):
        bag.add("E304", f"{path[-1]}: {_short(value)} is not a valid cron schedule", path=path,
                hint="five fields: minute hour day-of-month month day-of-week, e.g. `0 3 * * *`")
    elif never_fires(value):
        bag.add("E304", f"{path[-1]}: {_short(value)} never fires: no month it names has that "
                "day", path=path,
                hint="pick a day every named month has, e.g. `0 3 28 2 *`")


def _quantity(path: Path, value: Any, bag: Diagnostics) -> None:
    name = str(path[-1])
    cpu = name.startswith("cpu")
    try:
        parsed = parse_quantity(value)
        if parsed is not None and cpu and parsed * 1000 > MAX_QUANTITY:
            raise OutOfRange("above 2^63-1 millicores, the most Kubernetes holds (int64)")
    except OutOfRange as error:
        bag.add("E328", f"{name}: {_short(value)} is out of range: {error}", path=path,
                hint="use a realistic size, e.g. `64Gi`" if not cpu else "e.g. `16` or `500m`")
        return
    if parsed is None or parsed <= 0:
        example = "`500m` or `2`" if cpu else "`512Mi` or `4Gi`"
        bag.add("E317", f"{name}: {_short(value)} is not a valid quantity", path=path,
                hint=f"e.g. {example}; digits 0-9 and a Kubernetes suffix (m, k, M, G, Ki, Mi, "
                     "Gi, ...)")


def _image(path: Path, value: Any, bag: Diagnostics) -> None:
    # Only the form is checked here; whether it must be pinned by tag or digest is policy
    # (PIPE-001, PIPE-002, MDL-008, DEP-008 in the default bundle).
    if parse_image(value) is None:
        bag.add("E316", f"image {_short(value)} is not a valid image reference", path=path,
                hint="e.g. `ghcr.io/acme/scorer:1.4.2` or `...@sha256:<64 hex digits>`")


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _version(path: Path, value: Any, bag: Diagnostics) -> None:
    if not is_semver(value):
        bag.add("E315", f"{path[-1]}: {_short(value)} is not a semantic version", path=path,
                hint='write MAJOR.MINOR.PATCH and quote it: "1.2.0"')


def _date(path: Path, value: Any, bag: Diagnostics) -> None:
    # Only YYYY-MM-DD: fromisoformat also reads ISO week dates (2026-W01-1), which sort
    # after every digit when dates are compared as text (as Rego compares them).
    try:
        ok = bool(_DATE.fullmatch(value)) and datetime.date.fromisoformat(value) is not None
    except (TypeError, ValueError):
        ok = False
    if not ok:
        bag.add("E314", f"{path[-1]}: {_short(value)} is not a date", path=path,
                hint="write YYYY-MM-DD, e.g. 2026-12-31")


def _regex(path: Path, value: Any, bag: Diagnostics) -> None:
    problem = regex_problem(value)
    if problem is None:
        return
    code, reason = problem
    if code == "E331":
        bag.add(code, f"{path[-1]}: {_short(value)} repeats too much for RE2 ({reason})",
                path=path, hint="at most 1000 repetitions in all, nested counts multiplied")
    else:
        bag.add(code, f"{path[-1]}: {_short(value)} is not a valid RE2 regular expression "
                f"({reason})", path=path,
                hint="RE2 syntax (Prometheus): no look-around, back-references or possessive "
                     "repetition")


# A scheme, as RFC 3986 spells it, before the first ':' that comes before any '/', '?' or '#'.
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _link(path: Path, value: Any, bag: Diagnostics) -> None:
    # Runbooks and risk assessments become links in Alertmanager, Grafana and model cards;
    # a `javascript:` or `data:` one would run in the reader's browser.
    scheme = _SCHEME.match(value) if isinstance(value, str) else None
    if scheme is not None and scheme.group(1).lower() not in ("http", "https"):
        bag.add("E341", f"{path[-1]}: {_short(value)} is a {scheme.group(1)!r} link", path=path,
                hint="use an https:// URL, or a document id or relative path without a scheme")


def _short(value: Any, limit: int = 60) -> str:
    """The value as the message quotes it: repr, cut (a finding never reprints megabytes)."""
    text = repr(value) if not isinstance(value, str) or len(value) <= 4 * limit else (
        repr(value[:limit]) + "...")
    return text if len(text) <= limit + 5 else text[:limit] + "...'"


_CHECKS: dict[str, Callable[[Path, Any, Diagnostics], None]] = {
    "duration": _duration,
    "positive_duration": _positive_duration,
    "cron": _cron,
    "quantity": _quantity,
    "image": _image,
    "version": _version,
    "date": _date,
    "regex": _regex,
    "link": _link,
}
