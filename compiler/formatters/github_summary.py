"""What the github format says beyond its annotations: a count line, and a job summary.

GitHub Actions shows at most 10 error, 10 warning and 10 notice annotations per step (and
50 per job); the rest stay in the log only, silently (actions/toolkit,
docs/problem-matchers.md, "Limitations"). So the format ends with one plain log line that
counts the findings and says how many were not shown as annotations, and when some were
not, appends a Markdown table of every printed finding to the job summary file named by
``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters._common import Summary, clean, omitted_line

ANNOTATIONS_PER_KIND = 10
"""Annotations of one kind (error, warning, notice) GitHub shows per step."""
SUMMARY_LIMIT = 1024 * 1024
"""Bytes GitHub accepts in one step's summary file."""


def kind(diagnostic: Diagnostic) -> str:
    """The workflow command of a finding: waived findings and notes are notices."""
    if diagnostic.waiver or diagnostic.severity == Severity.NOTE:
        return "notice"
    return "error" if diagnostic.severity == Severity.ERROR else "warning"


def not_annotated(diagnostics: Sequence[Diagnostic], omitted: int) -> int:
    """Findings GitHub will not show as annotations: beyond 10 of a kind, or not printed."""
    counts = Counter(kind(d) for d in diagnostics)
    return sum(max(0, n - ANNOTATIONS_PER_KIND) for n in counts.values()) + omitted


def count_line(summary: Summary, hidden: int) -> str:
    """The plain log line (not a workflow command, so it is never itself dropped).

    >>> count_line(Summary(errors=12, warnings=1), 2)
    'mlopsc: 12 errors, 1 warnings, 0 notes, 0 waived; 2 not shown as annotations \
(GitHub shows 10 per kind and step), see the job summary'
    """
    counts = (f"mlopsc: {summary.errors} errors, {summary.warnings} warnings, "
              f"{summary.notes} notes, {summary.waived} waived")
    if not hidden:
        return counts + "; all shown as annotations"
    return (counts + f"; {hidden} not shown as annotations (GitHub shows "
            f"{ANNOTATIONS_PER_KIND} per kind and step), see the job summary")


def markdown(diagnostics: Sequence[Diagnostic], summary: Summary, omitted: int) -> str:
    """The job summary: counts, then one table row per printed finding."""
    lines = ["## mlopsc findings", "",
             (f"{summary.errors} errors, {summary.warnings} warnings, {summary.notes} notes, "
              f"{summary.waived} waived. GitHub shows only {ANNOTATIONS_PER_KIND} annotations "
              "of each kind per step; every finding is listed here."), "",
             "| Severity | Code | Where | Message |", "| --- | --- | --- | --- |"]
    for d in diagnostics:
        where = d.location() or ""
        severity = f"waived ({d.waiver})" if d.waiver else d.severity.label
        lines.append(f"| {_cell(severity)} | {_cell(d.code)} | {_cell(where)} "
                     f"| {_cell(d.message)} |")
    if omitted:
        lines += ["", _cell(omitted_line(omitted))]
    return "\n".join(lines) + "\n"


def append_step_summary(text: str, environ: Mapping[str, str] | None = None) -> bool:
    """Append ``text`` to the file ``$GITHUB_STEP_SUMMARY`` names; False when none is named.

    Never through a symlink and only to a regular file: the existing file is read with
    ``O_NOFOLLOW`` and the whole is written back by the CLI's safe writer (a new file
    renamed onto the name), which refuses a symlink too (exit 2).
    """
    name = (os.environ if environ is None else environ).get("GITHUB_STEP_SUMMARY")
    if not name:
        return False
    from mlopsc.cli.common import write_file
    from mlopsc.errors import MlopscError
    from mlopsc.reading.safe_read import NotRegular, TooLarge, read_regular

    try:
        old = read_regular(name, SUMMARY_LIMIT, follow=False)
    except FileNotFoundError:
        old = b""
    except (NotRegular, TooLarge) as error:
        raise MlopscError(f"cannot append to GITHUB_STEP_SUMMARY {name}: {error}") from None
    except OSError as error:
        raise MlopscError(f"cannot read GITHUB_STEP_SUMMARY {name}: "
                          f"{error.strerror or error}") from None
    write_file(name, old + text.encode("utf-8"))
    return True


def _cell(text: str) -> str:
    # Spec-given text in a table cell: one line, no HTML, no pipes or links of its own.
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", clean(text))
