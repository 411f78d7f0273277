"""Diagnostics are values: frozen records that every pass adds to one collector."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from mlopsc.source import Path, SourceIndex, Span, format_path


class Severity(enum.IntEnum):
    NOTE = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: what is wrong, where (spec path and source span) and how to fix it.

    ``waiver`` names the waiver that excuses a policy finding; a waived finding never
    blocks the gate but is still reported.
    """

    code: str
    severity: Severity
    message: str
    path: str | None = None
    span: Span | None = None
    hint: str | None = None
    waiver: str | None = None

    @property
    def blocking_severity(self) -> Severity | None:
        return None if self.waiver else self.severity

    def sort_key(self) -> tuple[Any, ...]:
        span = self.span
        where = (span.file, span.line, span.column) if span else ("", 0, 0)
        return (*where, self.code, self.path or "", self.message)

    def location(self) -> str:
        return str(self.span) if self.span else (self.path or "")


class Diagnostics:
    """The collector every pass writes to.

    >>> from mlopsc.source import SourceIndex
    >>> bag = Diagnostics(SourceIndex())
    >>> d = bag.add("E301", "model 'x' is not defined", path=("models", "x"))
    >>> d.severity.label, d.path
    ('error', 'models.x')
    """

    def __init__(self, index: SourceIndex | None = None) -> None:
        self.index = index or SourceIndex()
        self._items: list[Diagnostic] = []

    def add(
        self,
        code: str,
        message: str,
        *,
        path: Path | None = None,
        hint: str | None = None,
        key: bool = False,
        span: Span | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """Record a finding for a code of the table; its severity comes from the code."""
        from mlopsc.codes import lookup

        entry = lookup(code)
        if span is None and path is not None:
            span = self.index.locate(path, key=key)
        diagnostic = Diagnostic(
            code=code,
            severity=severity if severity is not None else entry.severity,
            message=message,
            path=format_path(path) if path is not None else None,
            span=span,
            hint=hint if hint is not None else entry.hint,
        )
        self._items.append(diagnostic)
        return diagnostic

    def append(self, diagnostic: Diagnostic) -> None:
        self._items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self._items.extend(diagnostics)

    def replace_all(self, diagnostics: Iterable[Diagnostic]) -> None:
        self._items = list(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.sort_key(), d.severity, d.hint, d.waiver): d for d in self._items}
        order = sorted(unique, key=lambda k: (k[0], k[1], k[2] or "", k[3] or ""))
        return [unique[k] for k in order]

    @property
    def has_errors(self) -> bool:
        return any(d.blocking_severity == Severity.ERROR for d in self._items)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self._items if d.blocking_severity == severity)

    def blocks(self, fail_on: Severity) -> bool:
        """True when a finding at or above ``fail_on`` (and not waived) is present."""
        return any(
            d.blocking_severity is not None and d.blocking_severity >= fail_on
            for d in self._items
        )


def waived(diagnostic: Diagnostic, waiver: str) -> Diagnostic:
    return replace(diagnostic, waiver=waiver)


__all__ = ["Diagnostic", "Diagnostics", "Severity", "SourceIndex", "Span", "waived"]
