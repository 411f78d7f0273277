"""Parsers of the small languages inside spec values: durations, quantities, images, versions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w)")
_DURATION_FULL = re.compile(r"(?:\d+(?:ms|s|m|h|d|w))+\Z")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\Z")
_CPU = re.compile(r"(\d+(\.\d+)?|\.\d+)m?\Z")
_MEMORY = re.compile(r"(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E|e\d+)?\Z")
_DNS1123 = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_IMAGE = re.compile(
    r"(?P<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::\d+)?"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?\Z"
)
_MEMORY_FACTORS = {None: 1, "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
                   "P": 10**15, "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30,
                   "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}


@lru_cache(maxsize=4096)
def parse_duration(text: str) -> float | None:
    """Seconds in a duration such as ``1h30m``; ``None`` if it is malformed.

    >>> parse_duration("1h30m"), parse_duration("250ms"), parse_duration("1.5h")
    (5400, 0.25, None)
    """
    if not isinstance(text, str) or not _DURATION_FULL.match(text):
        return None
    total = sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(text))
    return int(total) if float(total).is_integer() else total


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
    """Cores in a CPU quantity (``500m`` -> 0.5)."""
    text = str(value)
    if not _CPU.match(text):
        return None
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def parse_memory(value: str | int | float) -> int | None:
    """Bytes in a memory quantity (``512Mi`` -> 536870912)."""
    text = str(value)
    match = _MEMORY.match(text)
    if not match:
        return None
    number, suffix = float(match.group(1)), match.group(3)
    if suffix and suffix.startswith("e"):
        return int(number * 10 ** int(suffix[1:]))
    return int(number * _MEMORY_FACTORS[suffix])


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
