"""Machine-readable JSON: a summary and one object per finding, keys sorted."""

from __future__ import annotations

import json
from collections.abc import Sequence

from mlopsc.diagnostics import Diagnostic
from mlopsc.formatters._common import Summary, posix_path, summarize


def render(diagnostics: Sequence[Diagnostic], *, tool_version: str,
           summary: Summary | None = None, omitted: int = 0, **_: object) -> str:
    """The findings as one JSON document (2-space indent, sorted keys, trailing newline).

    >>> from mlopsc.diagnostics import Diagnostic, Severity
    >>> doc = json.loads(render([Diagnostic("E301", Severity.ERROR, "no model 'x'")],
    ...                         tool_version="0.1.0"))
    >>> doc["summary"]["errors"], doc["diagnostics"][0]["line"]
    (1, None)
    """
    counts = (summary or summarize(diagnostics)).as_dict()
    if omitted:  # only then, so that existing consumers see the same keys
        counts["omitted"] = omitted
    document = {
        "version": tool_version,
        "summary": counts,
        "diagnostics": [to_dict(d) for d in diagnostics],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_dict(diagnostic: Diagnostic) -> dict[str, object]:
    """One finding as a flat JSON object; location fields are ``None`` without a span."""
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.label,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "file": posix_path(span.file) if span else None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "hint": diagnostic.hint,
        "waiver": diagnostic.waiver,
    }
