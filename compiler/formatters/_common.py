"""Helpers shared by the formatters: counts, rule descriptions and character cleaning."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from mlopsc.codes import UnknownCode, lookup
from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.printable import printable

RuleDocs = Mapping[str, tuple[str, str]]

# Output bounds: a spec of a few kilobytes must not print megabytes of findings.
MAX_PER_CODE = 20
"""Findings printed per code; the rest are counted in the summary."""
MAX_FINDINGS = 200
"""Findings printed in all."""
MAX_MESSAGE = 500
"""Characters of a message or hint printed; the middle of a longer one is cut."""
MAX_PATH = 300
"""Characters of a spec path printed."""


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


def clean(text: str | None) -> str:
    r"""A spec-given string as human formats print it: one line, no control characters.

    Every string a text, JUnit or GitHub finding prints that is not mlopsc's own fixed text
    goes through here (:func:`mlopsc.printable.printable`): line breaks, ESC, other C0 and
    C1 controls, DEL, U+2028/U+2029 and bidi controls become visible escapes, so a spec
    cannot start a line (a CI runner's ``::`` workflow command), recolour a terminal or
    reorder what a reviewer reads.

    >>> clean("red \x1b[31m\n::error::x")
    'red \\x1b[31m\\n::error::x'
    """
    return printable(text or "")


def posix_path(file: str) -> str:
    r"""A file name with forward slashes, as SARIF and GitHub expect.

    >>> posix_path("specs\\prod\\mlops.yaml")
    'specs/prod/mlops.yaml'
    """
    return file.replace("\\", "/")


def shorten(text: str, limit: int) -> str:
    """``text`` cut in the middle to at most about ``limit`` characters, with an ellipsis.

    >>> shorten("a" * 10, 6)
    'aaa…aaa (10 characters)'
    >>> shorten("short", 6)
    'short'
    """
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}…{text[len(text) - half:]} ({len(text)} characters)"


def bounded(diagnostics: Sequence[Diagnostic]) -> tuple[list[Diagnostic], int]:
    """The findings to print (at most :data:`MAX_PER_CODE` of a code and
    :data:`MAX_FINDINGS` in all, each with bounded texts) and how many were left out.

    >>> from mlopsc.diagnostics import Diagnostic, Severity
    >>> shown, left = bounded([Diagnostic("E301", Severity.ERROR, "x")] * 25)
    >>> len(shown), left
    (20, 5)
    """
    shown: list[Diagnostic] = []
    per_code: dict[str, int] = {}
    for diagnostic in diagnostics:
        count = per_code.get(diagnostic.code, 0)
        if count >= MAX_PER_CODE or len(shown) >= MAX_FINDINGS:
            continue
        per_code[diagnostic.code] = count + 1
        shown.append(_short(diagnostic))
    return shown, len(diagnostics) - len(shown)


def _short(diagnostic: Diagnostic) -> Diagnostic:
    message, hint, path = diagnostic.message, diagnostic.hint, diagnostic.path
    if (len(message) <= MAX_MESSAGE and (hint is None or len(hint) <= MAX_MESSAGE)
            and (path is None or len(path) <= MAX_PATH)):
        return diagnostic
    return replace(diagnostic, message=shorten(message, MAX_MESSAGE),
                   hint=shorten(hint, MAX_MESSAGE) if hint is not None else None,
                   path=shorten(path, MAX_PATH) if path is not None else None)


def omitted_line(omitted: int) -> str:
    """The sentence that says findings were left out (empty when none were).

    >>> omitted_line(3)
    '... and 3 more findings not shown (at most 20 per code and 200 in all are printed)'
    """
    if not omitted:
        return ""
    return (f"... and {omitted} more finding{'s' if omitted != 1 else ''} not shown "
            f"(at most {MAX_PER_CODE} per code and {MAX_FINDINGS} in all are printed)")
