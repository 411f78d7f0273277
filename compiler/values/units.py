"""Parsers of the small languages inside spec values: durations, quantities, images, versions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mlopsc.values.quantity import OutOfRange, parse_quantity

# [0-9], never \d: \d and int() accept any Unicode digit (U+0665), which no consumer reads.
_DURATION = re.compile(r"([0-9]+)(ms|s|m|h|d|w)")
_DURATION_FULL = re.compile(r"(?:[0-9]+(?:ms|s|m|h|d|w))+\Z")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
            "w": 604_800_000}
_UNIT_SECONDS = {unit: ms / 1000 for unit, ms in _UNIT_MS.items()}
MAX_DURATION_MS = (2**63 - 1) // 10**6
"""Go's time.Duration is int64 nanoseconds: about 292 years (Python's timedelta reaches more)."""
_DURATION_DIGITS = 16
"""More digits than this exceed MAX_DURATION_MS in any unit; they are not converted at all."""
_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                     r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\Z")
_DNS1123 = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_IMAGE = re.compile(
    r"(?P<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]{1,5})?"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?\Z",
    re.ASCII,  # a registry reads ASCII: \w and \d must not take U+00E9 or U+0665
)


@lru_cache(maxsize=4096)
def parse_duration(text: str) -> float | None:
    """Seconds in a duration such as ``1h30m``; ``None`` if it is malformed.

    >>> parse_duration("1h30m"), parse_duration("250ms"), parse_duration("1.5h")
    (5400, 0.25, None)
    """
    total = duration_ms(text)
    if total is None:
        return None
    return total // 1000 if total % 1000 == 0 else total / 1000


@lru_cache(maxsize=4096)
def duration_ms(text: str) -> int | None:
    """Milliseconds in a duration, exactly; ``None`` if it is malformed.

    A number too long to be in range counts as ``MAX_DURATION_MS + 1`` instead of being
    converted (``int()`` of thousands of digits is slow, or refused by Python).

    >>> duration_ms("1h30m"), duration_ms("5" * 40 + "s") == MAX_DURATION_MS + 1
    (5400000, True)
    """
    if not isinstance(text, str) or not _DURATION_FULL.match(text):
        return None
    total = 0
    for number, unit in _DURATION.findall(text):
        if len(number.lstrip("0")) > _DURATION_DIGITS:
            return MAX_DURATION_MS + 1
        total += int(number) * _UNIT_MS[unit]
    return min(total, MAX_DURATION_MS + 1)


def format_duration(seconds: float) -> str:
    """The shortest Prometheus-style spelling of a duration.

    >>> format_duration(5400), format_duration(2592000), format_duration(0.25)
    ('90m', '30d', '250ms')
    """
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{round(seconds * 1000)}ms"


def is_semver(text: str) -> bool:
    return isinstance(text, str) and bool(_SEMVER.match(text))


def semver_major(text: str) -> int | None:
    match = _SEMVER.match(text) if isinstance(text, str) else None
    return int(match.group(1)) if match else None


def is_dns1123_label(text: str) -> bool:
    return isinstance(text, str) and len(text) <= 63 and bool(_DNS1123.match(text))


def parse_cpu(value: str | int | float) -> float | None:
    """Cores in a CPU quantity (``500m`` -> 0.5); ``None`` if malformed or out of range."""
    try:
        parsed = parse_quantity(value)
    except OutOfRange:
        return None
    return None if parsed is None else float(parsed)


def parse_memory(value: str | int | float) -> int | None:
    """Bytes in a memory quantity (``512Mi`` -> 536870912); ``None`` if malformed or too big."""
    try:
        parsed = parse_quantity(value)
    except OutOfRange:
        return None
    return None if parsed is None else -(-parsed.numerator // parsed.denominator)


@dataclass(frozen=True, slots=True)
class ImageRef:
    name: str
    tag: str | None
    digest: str | None

    @property
    def pinned(self) -> bool:
        return self.digest is not None or (self.tag is not None and self.tag != "latest")


@lru_cache(maxsize=4096)
def parse_image(text: str) -> ImageRef | None:
    """Split an image reference; ``None`` if it is malformed.

    >>> parse_image("ghcr.io/acme/train:1.4.2")
    ImageRef(name='ghcr.io/acme/train', tag='1.4.2', digest=None)
    """
    match = _IMAGE.match(text) if isinstance(text, str) else None
    if not match:
        return None
    return ImageRef(match.group("name"), match.group("tag"), match.group("digest"))
