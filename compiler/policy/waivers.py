"""Waivers: excuse one rule's findings on matching subjects, until an expiry date.

A waiver matches a finding when its rule code equals the finding's code and its subject (a
spec path or a glob, ``models.fraud-*``) matches the finding's path or one of its ancestors.
An expired waiver excuses nothing and is reported (W401); one that matched nothing is
reported too (W402). Excused findings keep their severity but carry the waiver's name, so
every output format shows them as waived and none of them blocks.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Literal

from mlopsc.diagnostics import Diagnostic, Diagnostics
from mlopsc.ir import Waiver
from mlopsc.policy.findings import subject_of
from mlopsc.policy.org_terms import OrgTerms, refuse_waiver
from mlopsc.policy.result import WaiverUse
from mlopsc.source import format_path, parse_path


def ancestors(path: str) -> list[str]:
    """``path`` and every ancestor, longest first.

    >>> for path in ancestors("models.a.approvals[1].role"): print(path)
    models.a.approvals[1].role
    models.a.approvals[1]
    models.a.approvals
    models.a
    models
    """
    parts = parse_path(path)
    if not parts:
        return [path]
    return [format_path(parts[:n]) for n in range(len(parts), 0, -1)]


def matches(waiver: Waiver, finding: Diagnostic) -> bool:
    if waiver.rule.upper() != finding.code.upper() or finding.path is None:
        return False
    return any(fnmatchcase(candidate, waiver.subject) for candidate in ancestors(finding.path))


def apply_waivers(findings: list[Diagnostic], waivers: tuple[Waiver, ...],
                  today: datetime.date, diagnostics: Diagnostics,
                  terms: OrgTerms | None = None) -> tuple[list[Diagnostic], list[WaiverUse]]:
    """Mark the findings that active waivers excuse; report expired and unused waivers.

    A waiver the organisation's ``terms`` refuse (a mandatory rule, too long a term, an
    approver not allowed or the owner of what it excuses) excuses nothing."""
    out = list(findings)
    uses = []
    for waiver in sorted(waivers, key=lambda w: w.name):
        expired = _expired(waiver.expires, today)
        matched: list[str] = []
        hits = [] if expired else [i for i, finding in enumerate(out)
                                   if finding.waiver is None and matches(waiver, finding)]
        subjects = {subject_of(out[i].path or "") for i in hits}
        refused = not expired and terms is not None and refuse_waiver(
            waiver, subjects, terms, today, diagnostics)
        for i in [] if refused else hits:
            out[i] = replace(out[i], waiver=waiver.name)
            matched.append(out[i].path or "")
        status: Literal["active", "expired", "unused", "refused"] = (
            "expired" if expired else "refused" if refused
            else "active" if matched else "unused")
        _report(waiver, status, diagnostics)
        uses.append(WaiverUse(name=waiver.name, rule=waiver.rule, subject=waiver.subject,
                              approver=waiver.approver, reason=waiver.reason,
                              expires=waiver.expires, status=status,
                              matched=tuple(sorted(set(matched)))))
    return out, uses


def _report(waiver: Waiver, status: str, diagnostics: Diagnostics) -> None:
    where = parse_path(waiver.path) or ("waivers", waiver.name)
    if status == "expired":
        diagnostics.add("W401", f"waiver {waiver.name!r} of {waiver.rule} on {waiver.subject!r} "
                                f"expired on {waiver.expires}; its findings block again",
                        path=(*where, "expires"))
    elif status == "unused":
        diagnostics.add("W402", f"waiver {waiver.name!r} of {waiver.rule} on {waiver.subject!r} "
                                "matched no finding", path=where)


def _expired(expires: str, today: datetime.date) -> bool:
    """Dates compare as dates; one that does not read as YYYY-MM-DD (validate reports it,
    E314) excuses nothing."""
    try:
        return datetime.date.fromisoformat(expires) < today or len(expires) != 10
    except (TypeError, ValueError):
        return True
