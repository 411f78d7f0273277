"""Report facts beyond the inventory: what a model card promises (intended use,
limitations …), the artifact and the code it was trained with, explainability and human
oversight, the stage history, the input schema, data constraints, monitors and rollback
triggers. Each is a fact the report diff compares (``mlopsc report diff``).

All keys are additions to ``report.json`` (report version 1): a reader of an older report
finds them absent.
"""

from __future__ import annotations

from typing import Any

from mlopsc.ir import Dataset, Field, Model, Monitor, RollbackTrigger

CARD_FIELDS = ("intended_use", "out_of_scope_use", "limitations", "ethical_considerations",
               "fairness_assessment", "maintenance", "caveats")


def field_facts(f: Field) -> dict[str, Any]:
    """A contract or input-schema field with its constraints."""
    return {"name": f.name, "type": f.type, "nullable": f.nullable, "pii": f.pii,
            "classification": f.classification, "kind": f.kind, "min": f.min, "max": f.max,
            "allowed_values": list(f.allowed_values) if f.allowed_values is not None else None,
            "renamed_from": f.renamed_from, "purpose": f.purpose}


def model_facts(m: Model) -> dict[str, Any]:
    """The model's card text, artifact, training provenance, explainability, oversight,
    risk assessment, stage history and input schema."""
    e, h, t = m.explainability, m.human_oversight, m.training
    return {
        "task": m.task,
        "card": {name: getattr(m.card, name) for name in CARD_FIELDS},
        "artifact": {"uri": m.artifact_uri, "encrypted": m.artifact_encrypted},
        "training": {"pipeline": t.pipeline, "code_version": t.code_version, "image": t.image,
                     "continuous": t.continuous},
        "explainability": {"method": e.method, "per_decision": e.per_decision} if e else None,
        "human_oversight": ({"description": h.description, "reviewers": sorted(h.reviewers)}
                            if h else None),
        "risk_assessment": m.risk_assessment,
        # In the spec's order: the history is a record, and its order is part of it.
        "history": [{"stage": r.stage, "version": r.version, "date": r.date}
                    for r in m.history],
        "schema_version": m.schema_version,
        "input_schema": sorted((field_facts(f) for f in m.input_schema),
                               key=lambda f: f["name"]),
    }


def contract_facts(d: Dataset) -> dict[str, Any]:
    """A data contract's freshness, volume bounds and quality checks."""
    quality = [{"name": q.name, "check": q.check, "field": q.field,
                "max_failure_ratio": q.max_failure_ratio, "severity": q.severity}
               for q in d.quality]
    return {"freshness_max_age_s": d.freshness_max_age_s, "freshness_field": d.freshness_field,
            "min_rows": d.min_rows, "max_rows": d.max_rows,
            "quality": sorted(quality, key=lambda q: q["name"])}


def rollback_triggers(triggers: tuple[RollbackTrigger, ...]) -> list[dict[str, Any]]:
    """Each rollback trigger with what it watches, so that a reader can tell them apart."""
    rows = [{"type": t.type, "slo": t.slo, "monitor": t.monitor, "threshold": t.threshold}
            for t in triggers]
    return sorted(rows, key=lambda t: (t["type"], t["slo"] or "", t["monitor"] or "",
                                       t["threshold"] if t["threshold"] is not None else -1.0))


def monitor_facts(m: Monitor) -> dict[str, Any]:
    """A monitor: what it watches and the thresholds it alerts at."""
    features = [{"name": f.name, "method": f.method, "threshold": f.threshold}
                for f in m.features]
    return {"id": m.id, "name": m.name, "type": m.type, "deployment": m.deployment,
            "model": m.model, "dataset": m.dataset,
            "features": sorted(features, key=lambda f: f["name"]), "metric": m.metric,
            "threshold": m.threshold, "window_s": m.window_s, "for_s": m.for_s,
            "severity": m.severity, "runbook": m.runbook, "owner": m.owner}
