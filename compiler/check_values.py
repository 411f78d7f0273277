"""Pass: check the small languages inside values (durations, cron, images, versions, ...)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path
from mlopsc.spec import Spec
from mlopsc.spec_walk import walk_kinds
from mlopsc.units import is_semver, parse_cpu, parse_duration, parse_image, parse_memory


def check_values(spec: Spec, bag: Diagnostics) -> None:
    """Report every malformed duration, cron schedule, image, version, date and regex."""
    for path, value, kind in walk_kinds(spec):
        _CHECKS[kind](path, value, bag)


def _duration(path: Path, value: Any, bag: Diagnostics) -> None:
    if parse_duration(value) is None:
        bag.add("E305", f"{path[-1]}: {value!r} is not a duration", path=path,
                hint="write a number and a unit (ms, s, m, h, d, w), e.g. `90s` or `1h30m`")


@lru_cache(maxsize=1024)
def valid_cron(value: str) -> bool:
    """A five-field cron expression or one of the @-macros (specs repeat schedules: cached)."""
    from croniter import croniter  # imported here: only specs with schedules pay for it

    if value.startswith("@"):
        return value in ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight",
                         "@hourly")
    return len(value.split()) == 5 and croniter.is_valid(value)


def _cron(path: Path, value: Any, bag: Diagnostics) -> None:
    if not valid_cron(value):
        bag.add("E304", f"{path[-1]}: {value!r} is not a valid cron schedule", path=path,
                hint="five fields: minute hour day-of-month month day-of-week, e.g. `0 3 * * *`")


def _quantity(path: Path, value: Any, bag: Diagnostics) -> None:
    name = str(path[-1])
    parsed = parse_cpu(value) if name.startswith("cpu") else parse_memory(value)
    if parsed is None or parsed <= 0:
        example = "`500m` or `2`" if name.startswith("cpu") else "`512Mi` or `4Gi`"
        bag.add("E317", f"{name}: {value!r} is not a valid quantity", path=path,
                hint=f"e.g. {example}")


def _image(path: Path, value: Any, bag: Diagnostics) -> None:
    ref = parse_image(value)
    if ref is None:
        bag.add("E316", f"image {value!r} is not a valid image reference", path=path,
                hint="e.g. `ghcr.io/acme/scorer:1.4.2` or `...@sha256:<64 hex digits>`")
    elif ref.tag is None and ref.digest is None:
        bag.add("W309", f"image {value!r} has no tag or digest", path=path)
    elif ref.digest is None and ref.tag == "latest":
        bag.add("W310", f"image {value!r} uses the moving tag 'latest'", path=path)


def _version(path: Path, value: Any, bag: Diagnostics) -> None:
    if not is_semver(value):
        bag.add("E315", f"{path[-1]}: {value!r} is not a semantic version", path=path,
                hint='write MAJOR.MINOR.PATCH and quote it: "1.2.0"')


def _date(path: Path, value: Any, bag: Diagnostics) -> None:
    try:
        ok = len(value) == 10 and datetime.date.fromisoformat(value) is not None
    except ValueError:
        ok = False
    if not ok:
        bag.add("E314", f"{path[-1]}: {value!r} is not a date", path=path,
                hint="write YYYY-MM-DD, e.g. 2026-12-31")


def _regex(path: Path, value: Any, bag: Diagnostics) -> None:
    try:
        re.compile(value)
    except re.error as error:
        bag.add("E322", f"{path[-1]}: {value!r} is not a valid regular expression ({error})",
                path=path)


_CHECKS: dict[str, Callable[[Path, Any, Diagnostics], None]] = {
    "duration": _duration,
    "cron": _cron,
    "quantity": _quantity,
    "image": _image,
    "version": _version,
    "date": _date,
    "regex": _regex,
}
