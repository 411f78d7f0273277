"""The governance report as data: what an auditor needs to know about a compiled spec.

The report is plain JSON data (see ``report.schema.json``): every list is sorted by a
stable ``id``, nothing depends on a clock except waiver status, which is judged against the
``today`` passed in (the compile's ``--today`` / SOURCE_DATE_EPOCH), so the same spec and
the same day always give the same bytes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, TypeVar

from mlopsc import __version__
from mlopsc.governance.report_facts import (
    contract_facts,
    field_facts,
    model_facts,
    monitor_facts,
    rollback_triggers,
)
from mlopsc.governance.tiers import requirements
from mlopsc.ir import IR, Dataset, Deployment, FeatureSet, Model, Node, Slo

_N = TypeVar("_N", bound=Node)

REPORT_VERSION = 1


def build_report(ir: IR, policy: Any, today: datetime.date, *,
                 version: str = __version__) -> dict[str, Any]:
    """The report of one compiled spec.

    ``policy`` is the policy pass's :class:`~mlopsc.policy.result.PolicyResult`, or ``None``
    when policies were not evaluated (the report then says so). ``version`` is the mlopsc
    version the report names as its generator (a compile's ``Options.version``).

    Example::

        c = mlopsc.driver.run(Options(spec="mlops.yaml"), until="policy")
        report = build_report(c.ir, c.policy, datetime.date(2026, 11, 15))
        report["models"][0]["risk_tier"]   # 'high'
    """
    deployments_of: dict[str, list[str]] = {}
    for d in ir.deployments:
        deployments_of.setdefault(d.model, []).append(d.id)
    report: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "generator": f"mlopsc {version}",
        "platform": {"name": ir.name, "owner": ir.owner, "environment": ir.environment,
                     "spec_hash": ir.spec_hash},
        "as_of": today.isoformat(),
        "models": [_model(m, ir, policy, deployments_of.get(m.id, []))
                   for m in _by_id(ir.models)],
        "policies": _policies(ir, policy),
        "waivers": _waivers(ir, policy, today),
        "regulations": _regulations(ir),
        "data_contracts": [_contract(d) for d in _by_id(ir.datasets)],
        "feature_sets": [_feature_set(f, ir) for f in _by_id(ir.features)],
        "slos": [_slo(s) for s in _by_id(ir.slos)],
        "deployments": [_deployment(d) for d in _by_id(ir.deployments)],
        "monitors": [monitor_facts(m) for m in _by_id(ir.monitors)],
    }
    report["summary"] = _summary(report)
    return report


def _by_id(nodes: Iterable[_N]) -> list[_N]:
    return sorted(nodes, key=lambda n: n.id)


def _model(m: Model, ir: IR, policy: Any, deployments: list[str]) -> dict[str, Any]:
    tier = requirements(m.risk_tier, ir, policy)
    return {
        "id": m.id, "name": m.name, "path": m.path, "version": m.version, "stage": m.stage,
        "owner": m.owner, "risk_tier": m.risk_tier, "framework": m.framework,
        "approvals": sorted(({"by": a.by, "role": a.role, "date": a.date, "stage": a.stage,
                              "version": a.version} for a in m.approvals),
                            key=lambda a: (a["by"], a["role"], a["stage"] or "", a["date"])),
        "approvals_required": tier["approvals"] if tier else None,
        "approver_roles_required": tier["approver_roles"] if tier else [],
        "regulations": sorted(m.regulations),
        "training_data": sorted(({"dataset": r.dataset, "version": r.version}
                                 for r in m.training.datasets),
                                key=lambda r: (r["dataset"], r["version"])),
        "training_feature_sets": sorted(f.partition(":")[2] for f in m.training.feature_sets),
        "deployments": sorted(deployments),
        "metrics": sorted(({"name": x.name, "value": x.value, "threshold": x.threshold,
                            "baseline": x.baseline, "higher_is_better": x.higher_is_better}
                           for x in m.metrics), key=lambda x: x["name"]),
        "fairness": _fairness(m),
        **model_facts(m),
    }


def _fairness(m: Model) -> dict[str, Any] | None:
    f = m.fairness
    if f is None:
        return None
    metrics = [{"name": x.name, "value": x.value, "threshold": x.threshold,
                "higher_is_better": x.higher_is_better} for x in f.metrics]
    return {"protected_attributes": sorted(f.protected_attributes),
            "metrics": sorted(metrics, key=lambda x: x["name"]),
            "disparate_impact_tested": f.disparate_impact_tested, "assessment": f.assessment}


def _policies(ir: IR, policy: Any) -> dict[str, Any]:
    if policy is None:
        disabled = [{"rule": r.rule, "reason": r.reason, "approver": r.approver}
                    for r in ir.governance.disabled_rules]
        return {"evaluated": False, "engine": None, "bundles": [], "rules": [], "results": [],
                "disabled": sorted(disabled, key=lambda r: r["rule"])}
    rules = [{"code": info.code, "title": info.title, "severity": info.severity,
              "domain": info.domain, "bundle": info.bundle}
             for info in policy.rules.values()]
    results = [{"id": f"{r.rule}@{r.subject}", "rule": r.rule, "subject": r.subject,
                "status": r.status, "messages": sorted(r.messages), "waiver": r.waiver}
               for r in policy.results]
    disabled = [{"rule": d.rule, "reason": d.reason, "approver": d.approver}
                for d in policy.disabled]
    return {"evaluated": True, "engine": policy.engine, "bundles": sorted(policy.bundles),
            "rules": sorted(rules, key=lambda r: r["code"]),
            "results": sorted(results, key=lambda r: (r["rule"], r["subject"])),
            "disabled": sorted(disabled, key=lambda r: r["rule"])}


def _waivers(ir: IR, policy: Any, today: datetime.date) -> list[dict[str, Any]]:
    uses = {w.name: w for w in policy.waivers} if policy is not None else {}
    rows = []
    for w in _by_id(ir.waivers):
        use = uses.get(w.name)
        # Without a policy run only expiry can be judged; the policy pass also knows "unused".
        status = use.status if use else ("expired" if w.expires < today.isoformat() else "active")
        rows.append({"id": w.id, "name": w.name, "rule": w.rule, "subject": w.subject,
                     "reason": w.reason, "approver": w.approver, "expires": w.expires,
                     "status": status, "matched": sorted(use.matched) if use else []})
    return rows


def _regulations(ir: IR) -> list[dict[str, Any]]:
    names = set(ir.governance.regulations)
    for m in ir.models:
        names.update(m.regulations)
    return [{"id": f"regulation:{name}", "name": name,
             "in_force_for_all": name in ir.governance.regulations,
             "models": sorted(m.id for m in ir.models if name in m.regulations)}
            for name in sorted(names)]


def _contract(d: Dataset) -> dict[str, Any]:
    fields = [field_facts(f) for f in d.fields]
    return {
        "id": d.id, "name": d.name, "owner": d.owner, "version": d.version,
        "location": d.location, "format": d.format, "personal_data": d.personal_data,
        "pii_fields": sorted(f.name for f in d.fields if f.pii),
        "fields": sorted(fields, key=lambda f: f["name"]),
        "retention_s": d.retention_s, "erasure": d.erasure, "deidentified": d.deidentified,
        **contract_facts(d),
    }


def _feature_set(f: FeatureSet, ir: IR) -> dict[str, Any]:
    pii = {x.name for x in ir.get(f.dataset, Dataset).fields if x.pii}
    return {
        "id": f.id, "name": f.name, "owner": f.owner, "version": f.version, "source": f.dataset,
        "entity": f.entity, "features": sorted(f.features), "online": f.online,
        "offline": f.offline, "ttl_s": f.ttl_s,
        "pii_features": sorted(name for name in {f.entity, *f.features} if name in pii),
        "produced_by": sorted(p.id for p in ir.pipelines if f.id in p.feature_sets),
        "models": sorted(m.id for m in ir.models if f.id in m.training.feature_sets),
    }


def _slo(s: Slo) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "deployment": s.deployment, "sli": s.sli.type,
            "objective": s.objective, "period_s": s.period_s, "runbook": s.runbook,
            "alert_tiers": sorted(t.name for t in s.tiers if t.enabled)}


def _deployment(d: Deployment) -> dict[str, Any]:
    r = d.rollout
    return {
        "id": d.id, "name": d.name, "model": d.model, "version": d.version,
        "environment": d.environment, "mode": d.mode, "strategy": r.strategy,
        "stable_version": r.stable_version,
        "steps": [{"weight": s.weight, "pause_s": s.pause_s} for s in r.steps],
        "mirror_percent": r.mirror_percent, "candidate_weight": r.candidate_weight,
        "analysis_slos": sorted(r.analysis.slos) if r.analysis else [],
        "rollback": sorted(t.type for t in r.rollback),
        "rollback_triggers": rollback_triggers(r.rollback),
        "slos": sorted(d.slos),
    }


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    statuses = [r["status"] for r in report["policies"]["results"]]
    return {
        "models": len(report["models"]),
        "policies_evaluated": report["policies"]["evaluated"],
        "pass": statuses.count("pass"), "fail": statuses.count("fail"),
        "waived": statuses.count("waived"),
        "waivers": len(report["waivers"]),
        "expired_waivers": sum(w["status"] == "expired" for w in report["waivers"]),
        "data_contracts_with_pii": sum(bool(c["pii_fields"]) for c in report["data_contracts"]),
    }
