"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, IDEs)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import quote

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters._common import (
    RuleDocs,
    default_severity,
    describe,
    omitted_line,
    posix_path,
)

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def render(diagnostics: Sequence[Diagnostic], *, tool_version: str,
           rule_docs: RuleDocs | None = None, omitted: int = 0, **_: object) -> str:
    """One SARIF log with one run; one rule per code used, one result per finding.

    >>> from mlopsc.diagnostics import Diagnostic, Severity
    >>> log = json.loads(render([Diagnostic("E306", Severity.ERROR, "weights fall")],
    ...                         tool_version="0.1.0"))
    >>> log["runs"][0]["tool"]["driver"]["rules"][0]["name"]
    'CanaryWeightsDoNotRise'
    """
    codes = sorted({d.code: d.severity for d in reversed(diagnostics)}.items())
    rule_index = {code: i for i, (code, _severity) in enumerate(codes)}
    run = {
        "tool": {"driver": {
            "name": "mlopsc",
            "version": tool_version,
            "rules": [_rule(code, severity, rule_docs) for code, severity in codes],
        }},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, rule_index[d.code]) for d in diagnostics],
    }
    if omitted:
        run["properties"] = {"omittedResults": omitted, "note": omitted_line(omitted)}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rule_name(title: str) -> str:
    """A SARIF rule name (an identifier) from a title.

    >>> rule_name("canary weights do not rise")
    'CanaryWeightsDoNotRise'
    """
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _rule(code: str, severity: Severity, rule_docs: RuleDocs | None) -> dict[str, object]:
    # ``severity`` is the first finding's, for policy codes the table does not know.
    title, explain = describe(code, rule_docs)
    return {
        "id": code,
        "name": rule_name(title),
        "shortDescription": {"text": title},
        "fullDescription": {"text": explain},
        "defaultConfiguration": {"level": _LEVELS[default_severity(code, severity)]},
    }


def _result(diagnostic: Diagnostic, index: int) -> dict[str, object]:
    text = diagnostic.message
    if diagnostic.hint:
        text += f"\nhint: {diagnostic.hint}"
    result: dict[str, object] = {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": _LEVELS[diagnostic.severity],
        "message": {"text": text},
    }
    if diagnostic.span is not None:
        result["locations"] = [_location(diagnostic)]
    if diagnostic.path:
        result["properties"] = {"path": diagnostic.path}
    if diagnostic.waiver:
        result["suppressions"] = [
            {"kind": "external", "justification": f"waiver {diagnostic.waiver}"}
        ]
    return result


def _location(diagnostic: Diagnostic) -> dict[str, object]:
    span = diagnostic.span
    assert span is not None
    return {"physicalLocation": {
        "artifactLocation": {"uri": quote(posix_path(span.file), safe="/"),
                             "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": span.line, "startColumn": span.column,
                   "endLine": span.end_line, "endColumn": span.end_column},
    }}
