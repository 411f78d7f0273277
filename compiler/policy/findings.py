"""Decision values -> diagnostics at the user's line, and rule x subject results.

A finding is ``{"code", "msg", "path"}``; ``path`` is a spec path string
(``models.fraud-detector.owner``) or an array of keys and indices. Its span comes from the
load-time index; when the exact path is absent (a field the user left out), the nearest
ancestor that is written in the file is used.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mlopsc.diagnostics import Diagnostic, Diagnostics, Severity
from mlopsc.ir import IR
from mlopsc.policy.bundle import Bundles, Module
from mlopsc.policy.engine import UNDEFINED
from mlopsc.policy.result import RuleInfo, RuleResult
from mlopsc.source import Span, coerce_path, format_path

_SEVERITY = {"deny": Severity.ERROR, "warn": Severity.WARNING}


def rule_span(module: Module, name: str) -> Span:
    line = next((r.line for r in module.rules if r.name == name), 1)
    return Span(module.file, line, 1, line, 1)


def read_findings(value: Any, decision: str, module: Module, bundles: Bundles,
                  diagnostics: Diagnostics) -> list[Diagnostic]:
    """The findings of one decision's value; an undefined or malformed one becomes E403."""
    kind = decision.rsplit(".", 1)[1]
    if value is UNDEFINED:
        diagnostics.add("E403", f"{decision} is undefined; a decision must be a set (use "
                                "`deny contains finding if {...}`)", span=rule_span(module, kind))
        return []
    if not isinstance(value, list):
        diagnostics.add("E403", f"{decision} must be a set of findings, got "
                                f"{type(value).__name__}", span=rule_span(module, kind))
        return []
    out = []
    for item in value:
        finding = _finding(item, kind, bundles, diagnostics)
        if finding is None:
            diagnostics.add("E403", f"{decision} produced a malformed finding: "
                                    f"{_short(item)}", span=rule_span(module, kind))
        else:
            out.append(finding)
    return out


def _finding(item: Any, kind: str, bundles: Bundles,
             diagnostics: Diagnostics) -> Diagnostic | None:
    if not isinstance(item, dict):
        return None
    code, msg = item.get("code"), item.get("msg")
    path = coerce_path(item.get("path"))
    if not isinstance(code, str) or not code or not isinstance(msg, str) or not path:
        return None
    return Diagnostic(code=code, severity=_SEVERITY[kind], message=msg,
                      path=format_path(path), span=locate(diagnostics, path),
                      hint=bundles.hints.get(code))


def locate(diagnostics: Diagnostics, path: tuple[Any, ...]) -> Span | None:
    """Where a finding points: the value when it is one line, else its key (``fraud-scorer:``
    rather than the first line of a block mapping); for a path the user did not write, the
    key of its nearest written ancestor."""
    index = diagnostics.index
    if not index.has(path):
        return index.locate(path, key=True)
    span = index.locate(path)
    if span is not None and span.end_line > span.line:
        return index.locate(path, key=True) or span
    return span


def _short(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 120 else text[:117] + "..."


def subject_of(path: str) -> str:
    """The entity a finding is about: ``models.x`` for ``models.x.card.limitations``.

    >>> subject_of("pipelines.train.steps[0].image"), subject_of("governance.data")
    ('pipelines.train', 'governance')
    """
    head, _, rest = path.partition(".")
    if head in IR.SECTIONS and rest:
        name = rest.split(".", 1)[0].split("[", 1)[0]
        return f"{head}.{name}"
    return head.split("[", 1)[0]


def results(rules: dict[str, RuleInfo], findings: list[Diagnostic], ir: IR,
            disabled: set[str]) -> tuple[RuleResult, ...]:
    """Every active rule judged on every subject of its sections, sorted by (rule, subject).

    Built rule by rule from each section's subjects, sorted once, rather than by sorting every
    (rule, subject) pair: a large spec has tens of thousands of them.
    """
    by_key: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for finding in findings:
        by_key[finding.code, subject_of(finding.path or "")].append(finding)
    found: dict[str, set[str]] = defaultdict(set)
    for code, subject in by_key:
        found[code].add(subject)
    subjects_of = _SectionSubjects(ir)
    active = {code for code in rules if code not in disabled}
    out = []
    for code in sorted(active | set(found)):
        sections = rules[code].applies_to if code in active else ()
        subjects = [s for section in sections for s in subjects_of[section]]
        extra = found[code].difference(subjects) if code in found else ()
        if extra or len(sections) > 1:
            subjects = sorted({*subjects, *extra})
        for subject in subjects:
            out.append(_result(code, subject, by_key.get((code, subject))))
    return tuple(out)


class _SectionSubjects(dict[str, Any]):
    """Section name -> sorted subjects (entity paths; ``governance`` for the governance
    section), each found once."""

    def __init__(self, ir: IR) -> None:
        super().__init__()
        self._ir = ir

    def __missing__(self, section: str) -> list[str]:
        if section == "governance":
            paths = ["governance"]
        else:
            paths = sorted(node.path for node in getattr(self._ir, section, ()))
        self[section] = paths
        return paths


def _result(rule: str, subject: str, found: list[Diagnostic] | None) -> RuleResult:
    if not found:  # the common case: keep it cheap (tens of thousands on large specs)
        return RuleResult(rule=rule, subject=subject, status="pass")
    blocking = [f for f in found if f.waiver is None]
    return RuleResult(rule=rule, subject=subject, status="fail" if blocking else "waived",
                      messages=tuple(sorted({f.message for f in found})),
                      waiver=None if blocking else min(
                          f.waiver for f in found if f.waiver is not None))
