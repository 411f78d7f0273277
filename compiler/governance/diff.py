"""The report diff: what changed between two governance reports, in words for an auditor.

Each section of the report is compared by stable id; every difference becomes a
:class:`Change` with a sentence such as ``model fraud-detector: risk tier medium → high``.
Changes are sorted by (section, subject, field, message), so the same two reports always
give the same diff, and two diffs can themselves be diffed line by line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from mlopsc.governance import diff_assets, diff_policies, diff_sections
from mlopsc.governance import markdown as md

SECTIONS = ("platform", "models", "policies", "waivers", "regulations", "data_contracts",
            "feature_sets", "slos", "deployments")
TITLES = {"platform": "Platform", "models": "Models", "policies": "Policies",
          "waivers": "Waivers", "regulations": "Regulations",
          "data_contracts": "Data contracts", "feature_sets": "Feature sets",
          "slos": "Service level objectives",
          "deployments": "Deployments and rollouts"}
FORMATS = ("text", "json", "md")
# section -> function(old, new) yielding (subject, kind, field, old, new, message)
COMPARE = {
    "platform": diff_sections.platform, "models": diff_sections.models,
    "policies": diff_policies.policies, "waivers": diff_policies.waivers,
    "regulations": diff_policies.regulations, "data_contracts": diff_assets.data_contracts,
    "feature_sets": diff_assets.feature_sets,
    "slos": diff_assets.slos, "deployments": diff_assets.deployments,
}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``kind`` is ``added``, ``removed`` or ``changed``; ``subject`` a stable
    id (``model:fraud-detector``); ``field`` what changed within it, if anything."""

    section: str
    subject: str
    kind: str
    field: str | None
    old: Any
    new: Any
    message: str

    def sort_key(self) -> tuple[Any, ...]:
        return (SECTIONS.index(self.section), self.subject, self.field or "", self.message)


@dataclass(frozen=True)
class ReportDiff:
    """The changes between two reports, sorted. ``render(fmt)`` gives text, JSON or Markdown.

    >>> ReportDiff(()).render("text")
    'no governance changes\\n'
    """

    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def messages(self) -> list[str]:
        return [c.message for c in self.changes]

    def to_dict(self) -> dict[str, Any]:
        counts = {kind: sum(c.kind == kind for c in self.changes)
                  for kind in ("added", "removed", "changed")}
        return {"changes": [asdict(c) for c in self.changes], "counts": counts}

    def render(self, fmt: str = "text") -> str:
        if fmt == "text":
            return "".join(f"{m}\n" for m in self.messages()) or "no governance changes\n"
        if fmt == "json":
            return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if fmt == "md":
            return self._markdown()
        raise ValueError(f"unknown diff format {fmt!r}; formats: {', '.join(FORMATS)}")

    def _markdown(self) -> str:
        if not self.changes:
            return "## Governance changes\n\nNo governance changes.\n"
        parts = [f"## Governance changes ({len(self.changes)})"]
        for section in SECTIONS:
            items = [c.message for c in self.changes if c.section == section]
            if items:
                parts.append(f"### {TITLES[section]}\n\n{md.bullets(items)}")
        return "\n\n".join(parts) + "\n"


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> ReportDiff:
    """Compare two reports (dicts as in ``report.json``).

    >>> old = {"models": [{"id": "model:m", "name": "m", "risk_tier": "medium"}]}
    >>> new = {"models": [{"id": "model:m", "name": "m", "risk_tier": "high"}]}
    >>> diff_reports(old, new).messages()
    ['model m: risk tier medium → high']
    """
    found: list[Change] = []
    for section in SECTIONS:
        for subject, kind, field, before, after, message in COMPARE[section](old, new):
            found.append(Change(section, subject, kind, field, before, after, message))
    return ReportDiff(tuple(sorted(found, key=Change.sort_key)))
