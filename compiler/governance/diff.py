"""The report diff: what changed between two governance reports, in words for an auditor.

Each section of the report is compared by stable id; every difference becomes a
:class:`Change` with a sentence such as ``model fraud-detector: risk tier medium → high``.

Order is by importance, and explicit: sections in :data:`SECTIONS` order; within a section,
subjects by :data:`SUBJECT_ORDER` (then by id); within a subject, in the order its
comparison yields them, which lists the headline fact first (a model's risk tier before
the approvals that tier requires: ``diff_models.MODEL_ORDER``). Nothing depends on the
order of the input lists, so the same two reports always give the same diff, and two diffs
can themselves be diffed line by line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from mlopsc.governance import (
    diff_assets,
    diff_breaking,
    diff_models,
    diff_monitors,
    diff_policies,
    diff_sections,
)
from mlopsc.governance import markdown as md

SECTIONS = ("platform", "models", "policies", "waivers", "regulations", "breaking",
            "data_contracts", "feature_sets", "deployments", "monitors", "slos")
"""Sections in the order a diff lists them: what the report is about (platform), then what
decides a release (models, policy results, waivers, regulations), then what breaks a
consumer, then the data, what runs and what watches it."""
TITLES = {"platform": "Platform", "models": "Models", "policies": "Policies",
          "waivers": "Waivers", "regulations": "Regulations",
          "breaking": "Breaking changes",
          "data_contracts": "Data contracts", "feature_sets": "Feature sets",
          "deployments": "Deployments and rollouts", "monitors": "Monitors",
          "slos": "Service level objectives"}
SUBJECT_ORDER = {"policies": ("policies", "disabled:", "result:", "rule:")}
"""Within the policies section: evaluation and engine, rules switched off, results, then
the rule table."""
FORMATS = ("text", "json", "md")
# section -> function(old, new) yielding (subject, kind, field, old, new, message)
COMPARE = {
    "platform": diff_sections.platform, "models": diff_models.models,
    "policies": diff_policies.policies, "waivers": diff_policies.waivers,
    "regulations": diff_policies.regulations, "breaking": diff_breaking.breaking,
    "data_contracts": diff_assets.data_contracts, "feature_sets": diff_assets.feature_sets,
    "deployments": diff_assets.deployments, "monitors": diff_monitors.monitors,
    "slos": diff_assets.slos,
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
        """(section, subject rank, subject): a stable sort on it keeps each subject's
        changes in the order its comparison yields them, headline first."""
        order = SUBJECT_ORDER.get(self.section, ())
        rank = next((i for i, p in enumerate(order) if self.subject.startswith(p)), len(order))
        return (SECTIONS.index(self.section), rank, self.subject)


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
