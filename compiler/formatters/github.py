"""GitHub Actions workflow commands, shown as annotations on the pull request.

Two layers. Every spec-given string (message, hint, path, file name, waiver, a spec-given
policy's code and title) first goes through :func:`~mlopsc.formatters._common.clean`, which
writes line breaks, ESC and other controls as visible escapes, so none reaches the log raw.
Then the command is escaped as ``@actions/core`` does (``escapeData`` / ``escapeProperty``):
a command ends at a newline, so once ``\\n`` and ``\\r`` are escaped no text can start a
second command; the only line breaks left (``%0A`` before ``hint:`` and ``path:``) are
mlopsc's own.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters._common import (
    RuleDocs,
    Summary,
    clean,
    describe,
    omitted_line,
    posix_path,
    summarize,
)
from mlopsc.formatters.github_summary import (
    append_step_summary,
    count_line,
    markdown,
    not_annotated,
)

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render(diagnostics: Sequence[Diagnostic], *, rule_docs: RuleDocs | None = None,
           omitted: int = 0, summary: Summary | None = None, **_: object) -> str:
    """One workflow command per finding (waived findings and notes are notices), then a
    plain count line; when GitHub will not show every finding as an annotation, the
    findings are also appended as a Markdown table to ``$GITHUB_STEP_SUMMARY``
    (:mod:`mlopsc.formatters.github_summary`).

    >>> from mlopsc.diagnostics import Diagnostic, Severity
    >>> print(render([Diagnostic("E301", Severity.ERROR, "no model 'x', see: a,b")]), end="")
    ::error title=E301 unresolved reference::no model 'x', see: a,b
    mlopsc: 1 errors, 0 warnings, 0 notes, 0 waived; all shown as annotations
    """
    text = "".join(command(d, rule_docs) + "\n" for d in diagnostics)
    if omitted:
        text += f"::notice title=mlopsc::{escape_data(omitted_line(omitted))}\n"
    counts = summary if summary is not None else summarize(diagnostics)
    hidden = not_annotated(diagnostics, omitted)
    text += count_line(counts, hidden) + "\n"
    if hidden:
        append_step_summary(markdown(diagnostics, counts, omitted))
    return text


def command(diagnostic: Diagnostic, rule_docs: RuleDocs | None = None) -> str:
    """The ``::error file=..,line=..::message`` line of one finding (no newline)."""
    name = "notice" if diagnostic.waiver else _COMMANDS[diagnostic.severity]
    title, _explain = describe(diagnostic.code, rule_docs)
    code, title = clean(diagnostic.code), clean(title)
    properties = _location(diagnostic)
    properties.append(("title", f"{code} {title}" if title != code else code))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{name} {rendered}::{escape_data(_text(diagnostic))}"


def escape_data(text: str) -> str:
    """Escape a command's message.

    >>> escape_data("50%\\n::error::x")
    '50%25%0A::error::x'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value.

    >>> escape_property("a:b,c")
    'a%3Ab%2Cc'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _location(diagnostic: Diagnostic) -> list[tuple[str, str]]:
    span = diagnostic.span
    if span is None:
        return []
    out = [("file", clean(posix_path(span.file))), ("line", str(span.line))]
    # GitHub accepts columns only when the annotation starts and ends on one line; its
    # endColumn is inclusive while our span's end is exclusive.
    if span.end_line == span.line:
        out.append(("col", str(span.column)))
    out.append(("endLine", str(span.end_line)))
    if span.end_line == span.line:
        out.append(("endColumn", str(max(span.end_column - 1, span.column))))
    return out


def _text(diagnostic: Diagnostic) -> str:
    text = clean(diagnostic.message)
    if diagnostic.waiver:
        text += f" (waived by {clean(diagnostic.waiver)})"
    if diagnostic.hint:
        text += f"\nhint: {clean(diagnostic.hint)}"
    if diagnostic.path:
        text += f"\npath: {clean(diagnostic.path)}"
    return text
