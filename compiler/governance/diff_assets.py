"""Report diff of what runs: data contracts and their fields, SLOs, deployments and rollouts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopsc.governance.diff_fields import contract_fields
from mlopsc.governance.diff_monitors import rollback
from mlopsc.governance.diff_sections import (
    Item,
    Row,
    added_removed,
    entities,
    fields,
    keyed,
    name_of,
    words,
)

# In the order a diff lists them: the promises to consumers and data subjects first.
CONTRACT_FIELDS = {"version": "version", "retention_s": "retention", "erasure": "erasure",
                   "deidentified": "de-identified"}
CONTRACT_LATER = {"freshness_max_age_s": "freshness max age",
                  "freshness_field": "freshness timestamp field", "min_rows": "min rows",
                  "max_rows": "max rows", "owner": "owner", "location": "location",
                  "format": "format"}
QUALITY_FIELDS = {"check": "check", "field": "field", "max_failure_ratio": "max failure ratio",
                  "severity": "severity"}


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return words(seconds)
    return f"{seconds / 86400:g} d" if seconds >= 86400 else f"{seconds / 3600:g} h"


def _show(field: str, value: Any) -> str:
    if field in ("retention_s", "period_s", "ttl_s", "freshness_max_age_s"):
        return _duration(value)
    if field == "steps":
        return "/".join(str(s.get("weight")) for s in value) + " %" if value else "none"
    if field == "step_pauses":
        return ", ".join(f"{s.get('weight')} % for {_duration(s.get('pause_s'))}"
                         for s in value) if value else "none"
    if field in ("model", "deployment", "source"):
        return name_of(value)
    if field in ("analysis_slos", "slos", "produced_by"):
        return words([name_of(v) for v in value or []])
    return words(value)


def data_contracts(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(c: Item) -> str:
        pii = f", PII fields: {words(c.get('pii_fields'))}" if c.get("pii_fields") else ""
        return f"data contract {c.get('name')} added (version {c.get('version')}{pii})"

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from fields(subject, prefix, a, b, CONTRACT_FIELDS, _show)
        yield from contract_fields(subject, prefix, "field", a.get("fields", []),
                                   b.get("fields", []))
        yield from fields(subject, prefix, a, b, CONTRACT_LATER, _show)
        if ("quality" in a) == ("quality" in b):  # an older report did not record them
            yield from _quality(subject, prefix, a.get("quality") or [], b.get("quality") or [])

    yield from entities(old, new, "data_contracts", added, "data contract", compare)


FEATURE_SET_FIELDS = {"version": "version", "owner": "owner", "source": "source",
                      "entity": "entity key", "online": "served online",
                      "offline": "served offline", "ttl_s": "online TTL",
                      "pii_features": "PII features", "produced_by": "produced by"}


def feature_sets(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(f: Item) -> str:
        pii = f", PII: {words(f.get('pii_features'))}" if f.get("pii_features") else ""
        return (f"feature set {f.get('name')} added (version {f.get('version')}, from "
                f"{name_of(f.get('source') or '')}{pii})")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from fields(subject, prefix, a, b, FEATURE_SET_FIELDS, _show)
        yield from added_removed(subject, prefix, "feature", a.get("features", []),
                                  b.get("features", []))

    yield from entities(old, new, "feature_sets", added, "feature set", compare)


def _quality(subject: str, prefix: str, old: list[Any], new: list[Any]) -> Iterator[Row]:
    before, after = keyed(old, lambda q: q["name"]), keyed(new, lambda q: q["name"])
    for name in sorted(before.keys() | after.keys()):
        key = f"quality:{name}"
        if name not in before:
            yield (subject, "added", key, None, after[name],
                   f"{prefix}: quality check {name} added ({after[name].get('check')})")
        elif name not in after:
            yield subject, "removed", key, before[name], None, \
                f"{prefix}: quality check {name} removed"
        else:
            for row in fields(subject, f"{prefix}: quality check {name}", before[name],
                               after[name], QUALITY_FIELDS):
                yield (row[0], row[1], f"{key}.{row[2]}", *row[3:])


SLO_FIELDS = {"deployment": "deployment", "sli": "SLI", "objective": "objective",
              "period_s": "window", "runbook": "runbook", "alert_tiers": "alert tiers"}


def slos(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(s: Item) -> str:
        return (f"SLO {s.get('name')} added ({s.get('sli')} of deployment "
                f"{name_of(s.get('deployment'))}, objective {words(s.get('objective'))} % over "
                f"{_duration(s.get('period_s'))})")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from fields(subject, prefix, a, b, SLO_FIELDS, _show)

    yield from entities(old, new, "slos", added, "SLO", compare)


DEPLOYMENT_FIELDS = {"model": "model", "version": "version", "environment": "environment",
                     "strategy": "rollout strategy", "mode": "mode",
                     "stable_version": "stable version", "steps": "canary steps",
                     "mirror_percent": "mirror percentage",
                     "candidate_weight": "candidate weight", "analysis_slos": "analysis SLOs",
                     "slos": "SLOs"}


def deployments(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(d: Item) -> str:
        return (f"deployment {d.get('name')} added (model {name_of(d.get('model'))} "
                f"{d.get('version')} in {d.get('environment')}, rollout {d.get('strategy')})")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from fields(subject, prefix, a, b, DEPLOYMENT_FIELDS, _show)
        steps_a, steps_b = a.get("steps") or [], b.get("steps") or []
        if steps_a != steps_b and _show("steps", steps_a) == _show("steps", steps_b):
            yield (subject, "changed", "steps.pause_s", steps_a, steps_b,
                   (f"{prefix}: canary step pauses {_show('step_pauses', steps_a)} → "
                   f"{_show('step_pauses', steps_b)}"))
        yield from rollback(subject, prefix, a, b)

    yield from entities(old, new, "deployments", added, "deployment", compare)
