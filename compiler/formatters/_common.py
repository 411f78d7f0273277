"""Helpers shared by the formatters: counts, rule descriptions and character cleaning."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mlopsc.codes import UnknownCode, lookup
from mlopsc.diagnostics import Diagnostic, Severity

RuleDocs = Mapping[str, tuple[str, str]]

# C0 controls except tab and newline, DEL and C1 controls: they can rewrite a terminal
# (ANSI escapes) or make XML unparseable, and spec strings reach messages verbatim.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of findings; a waived finding counts only as waived."""

    errors: int = 0
    warnings: int = 0
    notes: int = 0
    waived: int = 0

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.notes + self.waived

    def as_dict(self) -> dict[str, int]:
        return {"errors": self.errors, "warnings": self.warnings, "notes": self.notes,
                "waived": self.waived, "total": self.total}


def summarize(diagnostics: Sequence[Diagnostic]) -> Summary:
    """Count findings by blocking severity.

    >>> d = Diagnostic("E306", Severity.ERROR, "weights do not rise")
    >>> summarize([d, Diagnostic("W1", Severity.WARNING, "x", waiver="w")]).as_dict()
    {'errors': 1, 'warnings': 0, 'notes': 0, 'waived': 1, 'total': 2}
    """
    counts = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.NOTE: 0}
    waived = 0
    for diagnostic in diagnostics:
        if diagnostic.waiver:
            waived += 1
        else:
            counts[diagnostic.severity] += 1
    return Summary(counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.NOTE],
                   waived)


def describe(code: str, rule_docs: RuleDocs | None = None) -> tuple[str, str]:
    """(title, explanation) of a code: the code table first, then ``rule_docs``, else the code.

    >>> describe("GOV-001", {"GOV-001": ("model card missing", "Tier 1 models need a card.")})
    ('model card missing', 'Tier 1 models need a card.')
    >>> describe("GOV-002")
    ('GOV-002', 'GOV-002')
    """
    try:
        row = lookup(code)
    except UnknownCode:
        if rule_docs and code in rule_docs:
            return rule_docs[code]
        return code, code
    return row.title, row.explain


def default_severity(code: str, fallback: Severity) -> Severity:
    """The severity the code table gives ``code``; ``fallback`` for codes not in the table."""
    try:
        return lookup(code).severity
    except UnknownCode:
        return fallback


def clean(text: str) -> str:
    r"""Replace control characters (not tab or newline) with visible ``\xNN`` escapes.

    >>> clean("red \x1b[31m")
    'red \\x1b[31m'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def posix_path(file: str) -> str:
    r"""A file name with forward slashes, as SARIF and GitHub expect.

    >>> posix_path("specs\\prod\\mlops.yaml")
    'specs/prod/mlops.yaml'
    """
    return file.replace("\\", "/")
