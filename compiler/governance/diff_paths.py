"""Which facts of a governance report the report diff compares, and the words it names each
by; and which it leaves out, with the reason. Every leaf of ``report.json`` is in exactly
one of the two tables: ``tests/unit/test_diff_property.py`` walks every leaf of the
examples' reports, changes it, and checks that the diff is not empty and names the fact
(a new fact added to the report without a place here fails that test).

Paths are written with ``[]`` for any list item: ``models[].card.intended_use``.
:data:`VALUE` means the diff names the fact by its new value (an identity such as a name);
:data:`NAME` that it names the entity the fact identifies (an ``id``).
"""

from __future__ import annotations

VALUE = "<the new value>"
NAME = "<the entity's name>"

_FIELD = {"name": VALUE, "type": "type", "nullable": "nullable", "pii": "PII",
          "classification": "classification", "kind": "kind", "min": "min", "max": "max",
          "allowed_values": "allowed values", "renamed_from": "renamed from",
          "purpose": "purpose"}
_CARD = {"intended_use": "intended use", "out_of_scope_use": "out-of-scope use",
         "limitations": "limitations", "ethical_considerations": "ethical considerations",
         "fairness_assessment": "card fairness assessment", "maintenance": "maintenance",
         "caveats": "caveats"}
_METRIC = {"name": VALUE, "value": "value", "threshold": "threshold",
           "higher_is_better": "higher is better"}


def _under(prefix: str, words: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}.{key}": said for key, said in words.items()}


COMPARED: dict[str, str] = {
    "platform.name": "name", "platform.owner": "owner", "platform.environment": "environment",
    "models[].id": NAME, "models[].name": VALUE, "models[].risk_tier": "risk tier",
    "models[].stage": "stage", "models[].version": "version",
    "models[].approvals_required": "approvals required",
    "models[].approver_roles_required": "approver roles required",
    "models[].approvals[].by": VALUE, "models[].approvals[].role": VALUE,
    "models[].approvals[].stage": VALUE, "models[].approvals[].date": "date",
    "models[].approvals[].version": "version", "models[].regulations": "regulation",
    **_under("models[].metrics[]", {**_METRIC, "baseline": "baseline"}),
    **_under("models[].fairness.metrics[]", _METRIC),
    "models[].fairness.protected_attributes": "protected attribute",
    "models[].fairness.disparate_impact_tested": "disparate impact tested",
    "models[].fairness.assessment": "fairness assessment",
    "models[].human_oversight.description": "human oversight description",
    "models[].human_oversight.reviewers": "human oversight reviewer",
    "models[].explainability.method": "explainability method",
    "models[].explainability.per_decision": "per decision",
    "models[].risk_assessment": "risk assessment",
    **_under("models[].card", _CARD),
    "models[].history[].stage": "stage history", "models[].history[].version": "stage history",
    "models[].history[].date": "stage history",
    "models[].artifact.uri": "artifact URI", "models[].artifact.encrypted": "artifact encrypted",
    "models[].training.code_version": "training code version",
    "models[].training.pipeline": "training pipeline",
    "models[].training.image": "training image",
    "models[].training.continuous": "continuous training",
    "models[].training_data[].dataset": "trained on data contract",
    "models[].training_data[].version": "training data contract",
    "models[].training_feature_sets": "training feature set",
    "models[].schema_version": "input schema version",
    **_under("models[].input_schema[]", _FIELD),
    "models[].owner": "owner", "models[].framework": "framework", "models[].task": "task",
    "policies.evaluated": "evaluated", "policies.engine": "engine",
    "policies.bundles": "bundles",
    "policies.disabled[].rule": VALUE, "policies.disabled[].approver": "approver",
    "policies.disabled[].reason": "reason",
    "policies.results[].rule": VALUE, "policies.results[].subject": VALUE,
    "policies.results[].status": "now", "policies.results[].waiver": VALUE,
    "policies.rules[].code": VALUE, "policies.rules[].title": "title",
    "policies.rules[].severity": "severity", "policies.rules[].domain": "domain",
    "policies.rules[].bundle": "bundle",
    "waivers[].id": NAME, "waivers[].name": VALUE, "waivers[].rule": "rule",
    "waivers[].subject": "subject", "waivers[].approver": "approver",
    "waivers[].expires": "expiry", "waivers[].status": "status", "waivers[].reason": "reason",
    "regulations[].id": NAME, "regulations[].name": VALUE,
    "regulations[].in_force_for_all": "in force for every model",
    "data_contracts[].id": NAME, "data_contracts[].name": VALUE,
    "data_contracts[].version": "version", "data_contracts[].retention_s": "retention",
    "data_contracts[].erasure": "erasure", "data_contracts[].deidentified": "de-identified",
    **_under("data_contracts[].fields[]", _FIELD),
    "data_contracts[].freshness_max_age_s": "freshness max age",
    "data_contracts[].freshness_field": "freshness timestamp field",
    "data_contracts[].min_rows": "min rows", "data_contracts[].max_rows": "max rows",
    "data_contracts[].owner": "owner", "data_contracts[].location": "location",
    "data_contracts[].format": "format",
    "data_contracts[].quality[].name": VALUE, "data_contracts[].quality[].check": "check",
    "data_contracts[].quality[].field": "field",
    "data_contracts[].quality[].max_failure_ratio": "max failure ratio",
    "data_contracts[].quality[].severity": "severity",
    "feature_sets[].id": NAME, "feature_sets[].name": VALUE,
    "feature_sets[].version": "version", "feature_sets[].owner": "owner",
    "feature_sets[].source": "source", "feature_sets[].entity": "entity key",
    "feature_sets[].features": "feature", "feature_sets[].online": "served online",
    "feature_sets[].offline": "served offline", "feature_sets[].ttl_s": "online TTL",
    "feature_sets[].pii_features": "PII features",
    "feature_sets[].produced_by": "produced by",
    "deployments[].id": NAME, "deployments[].name": VALUE, "deployments[].model": "model",
    "deployments[].version": "version", "deployments[].environment": "environment",
    "deployments[].strategy": "rollout strategy", "deployments[].mode": "mode",
    "deployments[].stable_version": "stable version",
    "deployments[].steps[].weight": "canary steps",
    "deployments[].steps[].pause_s": "canary step pauses",
    "deployments[].mirror_percent": "mirror percentage",
    "deployments[].candidate_weight": "candidate weight",
    "deployments[].analysis_slos": "analysis SLOs", "deployments[].slos": "SLOs",
    "deployments[].rollback_triggers[].type": "rollback trigger",
    "deployments[].rollback_triggers[].slo": "rollback trigger",
    "deployments[].rollback_triggers[].monitor": "rollback trigger",
    "deployments[].rollback_triggers[].threshold": "rollback trigger",
    "monitors[].id": NAME, "monitors[].name": VALUE, "monitors[].type": "type",
    "monitors[].deployment": "deployment", "monitors[].model": "model",
    "monitors[].dataset": "dataset", "monitors[].metric": "metric",
    "monitors[].threshold": "threshold", "monitors[].severity": "severity",
    "monitors[].window_s": "window", "monitors[].for_s": "alert after",
    "monitors[].runbook": "runbook", "monitors[].owner": "owner",
    "monitors[].features[].name": VALUE, "monitors[].features[].method": "method",
    "monitors[].features[].threshold": "threshold",
    "slos[].id": NAME, "slos[].name": VALUE, "slos[].deployment": "deployment",
    "slos[].sli": "SLI", "slos[].objective": "objective", "slos[].period_s": "window",
    "slos[].runbook": "runbook", "slos[].alert_tiers": "alert tiers",
}
"""Report leaf -> the words the diff names it by."""

NOT_COMPARED: dict[str, str] = {
    "report_version": "the layout of the file, not a fact",
    "generator": "the mlopsc version that wrote the file",
    "as_of": "the date the report was judged at; what it changes (waiver status) is compared",
    "platform.spec_hash": "changes with any byte of the spec; the facts it hashes are compared",
    "models[].path": "where the model is written in the spec",
    "models[].deployments": "derived from deployments[].model, compared there",
    "policies.results[].id": "derived: rule@subject, both compared",
    "policies.results[].messages": "the words of a finding; its status is compared",
    "waivers[].matched": "derived from policies.results[].waiver, compared there",
    "regulations[].models": "derived from models[].regulations, compared there",
    "data_contracts[].personal_data": "derived from fields[].pii, compared there",
    "data_contracts[].pii_fields": "derived from fields[].pii, compared there",
    "feature_sets[].models": "derived from models[].training_feature_sets, compared there",
    "deployments[].rollback": "derived from rollback_triggers[].type (compared there; in a "
                              "report without rollback_triggers it is compared itself)",
    "summary.models": "a count of models[]",
    "summary.policies_evaluated": "policies.evaluated, compared there",
    "summary.pass": "a count of policies.results[]",
    "summary.fail": "a count of policies.results[]",
    "summary.waived": "a count of policies.results[]",
    "summary.waivers": "a count of waivers[]",
    "summary.expired_waivers": "a count of waivers[].status",
    "summary.data_contracts_with_pii": "a count of data_contracts[].fields[].pii",
}
"""Report leaf -> why the diff does not compare it."""
