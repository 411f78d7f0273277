"""Human-readable text in the style of rustc and cfn-lint.

``end_column`` of a span is exclusive (the loader takes it from PyYAML's end mark), so a
span of ``weight`` at column 7 ends at column 13 and gets six carets.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters._common import Summary, clean, omitted_line, summarize
from mlopsc.printable import printable
from mlopsc.source import SourceIndex, Span

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_GUTTER = "\x1b[1;34m"
_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m",
           Severity.NOTE: "\x1b[1;36m"}
EXCERPT = 200
"""Characters of a source line shown around a finding; longer lines are cut with '…'."""


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.color else text


def render(diagnostics: Sequence[Diagnostic], *, index: SourceIndex | None = None,
           color: bool = False, summary: Summary | None = None, omitted: int = 0,
           **_: object) -> str:
    """Every finding with its source excerpt, then a summary line.

    >>> from mlopsc.diagnostics import Diagnostic, Severity
    >>> print(render([Diagnostic("E301", Severity.ERROR, "model 'x' is not defined",
    ...                          path="models.x")]), end="")
    models.x: error[E301]: model 'x' is not defined
    <BLANKLINE>
    1 error
    """
    paint = _Paint(color)
    blocks = ["\n".join(_block(d, index, paint)) for d in diagnostics]
    if omitted:
        blocks.append(omitted_line(omitted))
    blocks.append(paint(summary_line(summary or summarize(diagnostics)), _BOLD))
    return "\n\n".join(blocks) + "\n"


def summary_line(summary: Summary) -> str:
    """``2 errors, 1 warning, 1 waived`` or ``no problems found``.

    >>> summary_line(Summary(errors=2, warnings=1, waived=1))
    '2 errors, 1 warning, 1 waived'
    """
    parts = [
        f"{count} {word}{'' if count == 1 or word == 'waived' else 's'}"
        for count, word in ((summary.errors, "error"), (summary.warnings, "warning"),
                            (summary.notes, "note"), (summary.waived, "waived"))
        if count
    ]
    return ", ".join(parts) if parts else "no problems found"


def _block(diagnostic: Diagnostic, index: SourceIndex | None, paint: _Paint) -> list[str]:
    lines = [_header(diagnostic, paint)]
    if diagnostic.span is not None and index is not None:
        lines.extend(_excerpt(diagnostic.span, index, paint))
    # Spec strings (keys in paths, include names, Rego messages) are printed through
    # clean(): on one line, so none can start a line a CI runner reads as a command.
    if diagnostic.hint:
        lines.append(f"  = hint: {clean(diagnostic.hint)}")
    if diagnostic.path and diagnostic.span is not None:
        lines.append(f"  = path: {clean(diagnostic.path)}")
    return lines


def _header(diagnostic: Diagnostic, paint: _Paint) -> str:
    severity = diagnostic.severity
    label = paint(f"{severity.label}[{clean(diagnostic.code)}]", _COLORS[severity])
    where = clean(diagnostic.location())
    prefix = f"{paint(where, _BOLD)}: " if where else ""
    text = f"{prefix}{label}: {clean(diagnostic.message)}"
    if diagnostic.waiver:
        text += f" (waived by {clean(diagnostic.waiver)})"
    return text


def _excerpt(span: Span, index: SourceIndex, paint: _Paint) -> list[str]:
    source = index.source_line(span.file, span.line)
    if source is None:
        return []
    source, column, end_column = _window(source, span)
    start = min(max(column, 1), len(source) + 1)
    end = start + 1
    if span.end_line == span.line and end_column > start:
        end = min(end_column, len(source) + 1)
    # Escape the three parts apart, so the carets sit under the escaped span. Tabs stay:
    # the lead repeats them, so carets line up however wide the terminal draws a tab.
    before, inside, after = (printable(part, keep="\t") for part in
                             (source[:start - 1], source[start - 1:end - 1], source[end - 1:]))
    number = str(span.line)
    pad = " " * len(number)
    lead = "".join("\t" if ch == "\t" else " " for ch in before)
    carets = paint("^" * max(len(inside), 1), _COLORS[Severity.ERROR])
    return [
        f"  {paint(number + ' |', _GUTTER)} {before}{inside}{after}".rstrip(),
        f"  {paint(pad + ' |', _GUTTER)} {lead}{carets}",
    ]


def _window(line: str, span: Span) -> tuple[str, int, int]:
    """At most :data:`EXCERPT` characters of ``line`` around the span's column, cut with
    '…' on the sides that lost text; the columns are moved to match."""
    if len(line) <= EXCERPT:
        return line, span.column, span.end_column
    first = min(max(span.column - 1 - EXCERPT // 4, 0), len(line) - EXCERPT)
    last = first + EXCERPT
    lead = "…" if first > 0 else ""
    tail = "…" if last < len(line) else ""
    shift = first - len(lead)
    end = span.end_column if span.end_line == span.line else span.column + 1
    end = min(end - shift, len(lead) + EXCERPT + 1)
    return lead + line[first:last] + tail, span.column - shift, end
