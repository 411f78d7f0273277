"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, IDEs).

Artifact URIs are relative to the repository root (the nearest folder above the spec that
holds ``.git``, else the spec's folder) with ``uriBaseId: %SRCROOT%``, as GitHub code
scanning needs to match them with the repository's files; never absolute and never
``../``. When that root is not the current folder, ``originalUriBaseIds`` says where it is.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from urllib.parse import quote

from mlopsc.diagnostics import Diagnostic
from mlopsc.formatters._common import RuleDocs, omitted_line, posix_path
from mlopsc.formatters.sarif_rules import LEVELS, rule, rule_name
from mlopsc.reading.safe_read import find_root

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
FINGERPRINT = "mlopsc/v1"
"""The partialFingerprints key: a hash of code, file, spec path and occurrence, no line."""


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
    artifacts = _Artifacts(diagnostics)
    seen: dict[str, int] = {}
    run = {
        "tool": {"driver": {
            "name": "mlopsc",
            "version": tool_version,
            "rules": [rule(code, severity, rule_docs) for code, severity in codes],
        }},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, rule_index[d.code], artifacts, seen) for d in diagnostics],
    }
    if artifacts.base is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": artifacts.base}}
    if omitted:
        run["properties"] = {"omittedResults": omitted, "note": omitted_line(omitted)}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["SCHEMA_URI", "render", "rule_name"]


class _Artifacts:
    """Repository-relative URIs of the spec files, and the root's own URI when needed."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self._roots: dict[str, str] = {}
        self.base: str | None = None
        first = next((d.span.file for d in diagnostics if d.span is not None), None)
        if first is not None:
            root = self._root(first)
            if root != os.path.abspath(os.getcwd()):
                self.base = "file://" + quote(posix_path(root).rstrip("/") + "/", safe="/:")

    def _root(self, file: str) -> str:
        folder = os.path.dirname(os.path.abspath(posix_path(file)))
        if folder not in self._roots:
            self._roots[folder] = find_root(os.path.abspath(posix_path(file)))
        return self._roots[folder]

    def uri(self, file: str) -> str:
        """``file`` relative to its repository root, posix and percent-encoded."""
        absolute = os.path.abspath(posix_path(file))
        relative = os.path.relpath(absolute, self._root(file))
        return quote(posix_path(relative), safe="/")


def _result(diagnostic: Diagnostic, index: int, artifacts: _Artifacts,
            seen: dict[str, int]) -> dict[str, object]:
    text = diagnostic.message
    if diagnostic.hint:
        text += f"\nhint: {diagnostic.hint}"
    uri = artifacts.uri(diagnostic.span.file) if diagnostic.span is not None else ""
    result: dict[str, object] = {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": text},
        "partialFingerprints": {FINGERPRINT: _fingerprint(diagnostic, uri, seen)},
    }
    if diagnostic.span is not None:
        result["locations"] = [_location(diagnostic, uri)]
    if diagnostic.path:
        result["properties"] = {"path": diagnostic.path}
    if diagnostic.waiver:
        result["suppressions"] = [
            {"kind": "external", "justification": f"waiver {diagnostic.waiver}"}
        ]
    return result


def _fingerprint(diagnostic: Diagnostic, uri: str, seen: dict[str, int]) -> str:
    # The logical entity is the spec path (datasets.x.owner); a finding without one is
    # known by its message. No line or column: a finding keeps its alert when lines move.
    entity = diagnostic.path or diagnostic.message
    key = "\0".join((diagnostic.code, uri, entity))
    occurrence = seen.get(key, 0)
    seen[key] = occurrence + 1
    digest = hashlib.sha256(f"{key}\0{occurrence}".encode()).hexdigest()
    return digest[:32]


def _location(diagnostic: Diagnostic, uri: str) -> dict[str, object]:
    span = diagnostic.span
    assert span is not None
    return {"physicalLocation": {
        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": span.line, "startColumn": span.column,
                   "endLine": span.end_line, "endColumn": span.end_column},
    }}
