"""Report diff of what runs: data contracts and their fields, SLOs, deployments and rollouts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopsc.governance.diff_sections import (
    Item,
    Row,
    _added_removed,
    _entities,
    _fields,
    _keyed,
    _name,
    words,
)

CONTRACT_FIELDS = {"version": "version", "owner": "owner", "location": "location",
                   "format": "format", "retention_s": "retention", "erasure": "erasure",
                   "deidentified": "de-identified"}


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return words(seconds)
    return f"{seconds / 86400:g} d" if seconds >= 86400 else f"{seconds / 3600:g} h"


def _show(field: str, value: Any) -> str:
    if field in ("retention_s", "period_s", "ttl_s"):
        return _duration(value)
    if field == "steps":
        return "/".join(str(s.get("weight")) for s in value) + " %" if value else "none"
    if field in ("model", "deployment", "source"):
        return _name(value)
    if field in ("analysis_slos", "slos"):
        return words([_name(v) for v in value or []])
    return words(value)


def data_contracts(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(c: Item) -> str:
        pii = f", PII fields: {words(c.get('pii_fields'))}" if c.get("pii_fields") else ""
        return f"data contract {c.get('name')} added (version {c.get('version')}{pii})"

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from _fields(subject, prefix, a, b, CONTRACT_FIELDS, _show)
        yield from _contract_fields(subject, prefix, a.get("fields", []), b.get("fields", []))

    yield from _entities(old, new, "data_contracts", added, "data contract", compare)


FEATURE_SET_FIELDS = {"version": "version", "owner": "owner", "source": "source",
                      "entity": "entity key", "online": "served online",
                      "offline": "served offline", "ttl_s": "online TTL",
                      "pii_features": "PII features"}


def feature_sets(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(f: Item) -> str:
        pii = f", PII: {words(f.get('pii_features'))}" if f.get("pii_features") else ""
        return (f"feature set {f.get('name')} added (version {f.get('version')}, from "
                f"{_name(f.get('source') or '')}{pii})")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from _fields(subject, prefix, a, b, FEATURE_SET_FIELDS, _show)
        yield from _added_removed(subject, prefix, "feature", a.get("features", []),
                                  b.get("features", []))

    yield from _entities(old, new, "feature_sets", added, "feature set", compare)


def _contract_fields(subject: str, prefix: str, old: list[Any], new: list[Any]) -> Iterator[Row]:
    before, after = _keyed(old, lambda f: f["name"]), _keyed(new, lambda f: f["name"])
    for name in sorted(before.keys() | after.keys()):
        key = f"field:{name}"
        if name not in before:
            pii = " (PII)" if after[name].get("pii") else ""
            yield subject, "added", key, None, after[name], f"{prefix}: field {name} added{pii}"
        elif name not in after:
            yield subject, "removed", key, before[name], None, f"{prefix}: field {name} removed"
        else:
            yield from _field_change(subject, f"{prefix}: field {name}", key,
                                     before[name], after[name])


def _field_change(subject: str, prefix: str, key: str, a: Item, b: Item) -> Iterator[Row]:
    for flag, yes, no in (("pii", "now marked PII", "no longer marked PII"),
                          ("nullable", "now nullable", "no longer nullable")):
        if bool(a.get(flag)) != bool(b.get(flag)):
            yield (subject, "changed", f"{key}.{flag}", a.get(flag), b.get(flag),
                   f"{prefix} {yes if b.get(flag) else no}")
    for attr in ("type", "classification"):
        if a.get(attr) != b.get(attr):
            yield (subject, "changed", f"{key}.{attr}", a.get(attr), b.get(attr),
                   f"{prefix}: {attr} {words(a.get(attr))} → {words(b.get(attr))}")


SLO_FIELDS = {"deployment": "deployment", "sli": "SLI", "objective": "objective",
              "period_s": "window", "runbook": "runbook", "alert_tiers": "alert tiers"}


def slos(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(s: Item) -> str:
        return (f"SLO {s.get('name')} added ({s.get('sli')} of deployment "
                f"{_name(s.get('deployment'))}, objective {words(s.get('objective'))} % over "
                f"{_duration(s.get('period_s'))})")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from _fields(subject, prefix, a, b, SLO_FIELDS, _show)

    yield from _entities(old, new, "slos", added, "SLO", compare)


DEPLOYMENT_FIELDS = {"model": "model", "version": "version", "environment": "environment",
                     "mode": "mode", "strategy": "rollout strategy",
                     "stable_version": "stable version", "steps": "canary steps",
                     "mirror_percent": "mirror percentage",
                     "candidate_weight": "candidate weight", "analysis_slos": "analysis SLOs",
                     "rollback": "rollback triggers", "slos": "SLOs"}


def deployments(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(d: Item) -> str:
        return (f"deployment {d.get('name')} added (model {_name(d.get('model'))} "
                f"{d.get('version')} in {d.get('environment')}, rollout {d.get('strategy')})")

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from _fields(subject, prefix, a, b, DEPLOYMENT_FIELDS, _show)

    yield from _entities(old, new, "deployments", added, "deployment", compare)
