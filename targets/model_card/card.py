"""What a model card says beyond the Model Card Toolkit's fields: ``<model>.mlopsc.json``.

The toolkit card (:mod:`mlopsc.targets.model_card.toolkit`) has no place for the registry
stage, metric thresholds, risk tier, approvals, regulations, fairness results, training
provenance, deployments, lineage or the requirements a card fails, so they live in this
sibling file, described by ``model-card.mlopsc.schema.json``. Its shape is fixed: a fact the
spec does not give is ``null`` (or ``[]``), and ``missing_sections`` says which ones matter.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from mlopsc import __version__
from mlopsc.governance.tiers import requirements as tier_requirements
from mlopsc.ir import IR, Dataset, Deployment, FairnessMetric, Metric, Model, Slo
from mlopsc.policy.result import PolicyResult
from mlopsc.targets.model_card import requirements

CARD_VERSION = 3
"""2: ``model_parameters.data`` is a list of datasets, as in the toolkit's schema v0.0.2.
3: the toolkit card holds the toolkit's fields only; the rest moved to ``<model>.mlopsc.json``.
"""

SCHEMA_FILE = "model-card.mlopsc.schema.json"


def build_card(model: Model, ir: IR, lineage: nx.DiGraph[str] | None,
               policy: PolicyResult | None = None, *,
               version: str = __version__) -> dict[str, Any]:
    """The mlopsc file of ``model``'s card (missing sections are listed, never fatal). With
    the policy gate's result, the tier requirements are the ones the gate enforced, and the
    unmet requirements and their waivers are known. ``version`` is the mlopsc version the
    card names as its generator (a compile's ``Options.version``).

    Example::

        card = build_card(ir.get("model:fraud-detector"), ir, build_lineage(ir))
        card["risk_tier"]   # 'high'
    """
    return {
        "$schema": SCHEMA_FILE,
        "card_version": CARD_VERSION,
        "generator": f"mlopsc {version}",
        "toolkit_card": f"{model.name}.json",
        **_details(model),
        "training_data": [_training_data(ref.dataset, ref.version, ir)
                          for ref in sorted(model.training.datasets, key=lambda r: r.dataset)],
        "metrics": [_metric(x) for x in model.metrics],
        **_governance(model, ir, lineage, policy),
        "missing_sections": requirements.missing(model, ir, policy),
        "policy_evaluated": policy is not None,
        "unmet_requirements": requirements.unmet(model, ir, policy),
        "waivers": requirements.waivers(model, ir, policy),
    }


def _details(m: Model) -> dict[str, Any]:
    return {
        "id": m.id, "name": m.name, "version": m.version, "framework": m.framework,
        "task": m.task, "stage": m.stage,
        "stage_history": [{"stage": h.stage, "version": h.version, "date": h.date}
                          for h in m.history],
        "tags": sorted(m.tags),
        "risk_assessment": m.risk_assessment,
        "out_of_scope_use": m.card.out_of_scope_use,
        "maintenance": m.card.maintenance,
    }


def _training_data(dataset_id: str, trained_version: str, ir: IR) -> dict[str, Any]:
    d = ir.get(dataset_id, Dataset)  # lowering guarantees the reference resolves
    return {"name": d.name, "id": d.id, "location": d.location, "owner": d.owner,
            "trained_on_version": trained_version, "contract_version": d.version,
            "pii_fields": sorted(f.name for f in d.fields if f.pii)}


def _metric(x: Metric) -> dict[str, Any]:
    """A metric's facts beyond the toolkit's ``type`` and ``value`` (matched by ``type``)."""
    return {"type": x.name, "value": x.value, "threshold": x.threshold,
            "baseline": x.baseline, "higher_is_better": x.higher_is_better,
            "meets_threshold": _meets(x)}


def _meets(x: Metric | FairnessMetric) -> bool | None:
    if x.value is None or x.threshold is None:
        return None
    return x.value >= x.threshold if x.higher_is_better else x.value <= x.threshold


def _governance(m: Model, ir: IR, lineage: nx.DiGraph[str] | None,
                policy: PolicyResult | None) -> dict[str, Any]:
    return {
        "risk_tier": m.risk_tier,
        "tier_requirements": tier_requirements(m.risk_tier, ir, policy),
        "approvals": [{"by": a.by, "role": a.role, "date": a.date, "stage": a.stage}
                      for a in sorted(m.approvals, key=lambda a: (a.date, a.by, a.role))],
        "regulations": list(m.regulations),
        "fairness": _fairness(m),
        "explainability": {"method": m.explainability.method,
                           "per_decision": m.explainability.per_decision}
        if m.explainability else None,
        "human_oversight": {"description": m.human_oversight.description,
                            "reviewers": list(m.human_oversight.reviewers)}
        if m.human_oversight else None,
        "training": {"pipeline": m.training.pipeline,
                     "feature_sets": sorted(m.training.feature_sets),
                     "code_version": m.training.code_version,
                     "image": m.training.image, "continuous": m.training.continuous},
        "deployments": [_deployment(d, ir) for d in ir.deployments if d.model == m.id],
        "lineage": _lineage(m.id, lineage),
    }


def _fairness(m: Model) -> dict[str, Any] | None:
    f = m.fairness
    if f is None:
        return None
    return {
        "protected_attributes": sorted(f.protected_attributes),
        "metrics": [{"name": x.name, "value": x.value, "threshold": x.threshold,
                     "higher_is_better": x.higher_is_better, "within_threshold": _meets(x)}
                    for x in f.metrics],
        "disparate_impact_tested": f.disparate_impact_tested,
        "assessment": f.assessment,
    }


def _deployment(d: Deployment, ir: IR) -> dict[str, Any]:
    slos = [ir.get(s, Slo) for s in d.slos]
    return {
        "id": d.id, "name": d.name, "version": d.version, "environment": d.environment,
        "mode": d.mode, "rollout_strategy": d.rollout.strategy,
        "slos": [{"id": s.id, "name": s.name, "sli": s.sli.type, "objective": s.objective,
                  "period_s": s.period_s} for s in slos],
    }


def _lineage(node: str, graph: nx.DiGraph[str] | None) -> dict[str, list[str]]:
    if graph is None or node not in graph:
        return {"upstream": [], "downstream": []}
    return {"upstream": sorted(nx.ancestors(graph, node)),
            "downstream": sorted(nx.descendants(graph, node))}
