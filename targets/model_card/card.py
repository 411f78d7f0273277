"""A model's card as data: the Model Card Toolkit sections plus what mlopsc knows beyond them.

The four top-level sections follow Google's Model Card Toolkit schema (``model_details``,
``model_parameters``, ``quantitative_analysis``, ``considerations``); ``mlopsc`` holds the
governance facts the toolkit has no place for. ``model-card.schema.json`` describes it all.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from mlopsc import __version__
from mlopsc.governance.tiers import requirements as tier_requirements
from mlopsc.ir import IR, Dataset, Deployment, FairnessMetric, Metric, Model, Slo
from mlopsc.policy.result import PolicyResult

CARD_VERSION = 2
"""2: ``model_parameters.data`` is a list of datasets, as in the toolkit's schema v0.0.2."""


def build_card(model: Model, ir: IR, lineage: nx.DiGraph[str] | None,
               policy: PolicyResult | None = None, *,
               version: str = __version__) -> dict[str, Any]:
    """The JSON card of ``model`` (missing sections are listed, never fatal). With the
    policy gate's result, the tier requirements are the ones the gate enforced. ``version``
    is the mlopsc version the card names as its generator (a compile's ``Options.version``).

    Example::

        card = build_card(ir.get("model:fraud-detector"), ir, build_lineage(ir))
        card["mlopsc"]["risk_tier"]   # 'high'
    """
    card: dict[str, Any] = {
        "card_version": CARD_VERSION,
        "generator": f"mlopsc {version}",
        "model_details": _details(model),
        "model_parameters": _parameters(model, ir),
        "quantitative_analysis": _quantitative(model),
        "considerations": _considerations(model),
        "mlopsc": _governance(model, ir, lineage, policy),
    }
    card["mlopsc"]["missing_sections"] = missing_sections(model, ir, policy)
    return card


def _details(m: Model) -> dict[str, Any]:
    dated = [h.date for h in m.history if h.version == m.version]
    return {
        "name": m.name,
        "overview": m.description,
        "version": {"name": m.version, "date": max(dated) if dated else None},
        "owners": [{"name": m.owner}] if m.owner else [],
        "path": m.artifact_uri,
        "references": [{"reference": m.risk_assessment}] if m.risk_assessment else [],
        "regulatory_requirements": ", ".join(m.regulations) or None,
        "framework": m.framework,
        "task": m.task,
        "stage": m.stage,
        "stage_history": [{"stage": h.stage, "version": h.version, "date": h.date}
                          for h in m.history],
        "tags": sorted(m.tags),
    }


def _parameters(m: Model, ir: IR) -> dict[str, Any]:
    return {
        "model_architecture": m.framework,
        # The toolkit's ``data`` is a list of datasets; mlopsc knows only the training data.
        "data": [_training_data(ref.dataset, ref.version, ir)
                 for ref in sorted(m.training.datasets, key=lambda r: r.dataset)],
        "input_format": f"input schema version {m.schema_version}" if m.schema_version else None,
        "input_format_map": [{"key": f.name, "value": f.type or "unspecified"}
                             for f in m.input_schema],
        "output_format": m.task,
    }


def _training_data(dataset_id: str, trained_version: str, ir: IR) -> dict[str, Any]:
    d = ir.get(dataset_id, Dataset)  # lowering guarantees the reference resolves
    return {
        "name": d.name, "id": d.id, "link": d.location, "description": d.description,
        "trained_on_version": trained_version, "contract_version": d.version,
        "owner": d.owner,
        "sensitive": {"sensitive_data": sorted(f.name for f in d.fields if f.pii)},
    }


def _metric_text(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _quantitative(m: Model) -> dict[str, Any]:
    metrics = [{"type": x.name, "value": _metric_text(x.value),
                "threshold": _metric_text(x.threshold), "baseline": _metric_text(x.baseline),
                "higher_is_better": x.higher_is_better, "meets_threshold": _meets(x)}
               for x in m.metrics]
    return {"performance_metrics": metrics}


def _meets(x: Metric | FairnessMetric) -> bool | None:
    if x.value is None or x.threshold is None:
        return None
    return x.value >= x.threshold if x.higher_is_better else x.value <= x.threshold


def _considerations(m: Model) -> dict[str, Any]:
    c = m.card

    def described(text: str | None) -> list[dict[str, str]]:
        return [{"description": text}] if text else []

    return {
        "users": [],
        "use_cases": described(c.intended_use),
        "out_of_scope_uses": described(c.out_of_scope_use),
        "limitations": described(c.limitations),
        "tradeoffs": described(c.caveats),
        "ethical_considerations": [{"name": c.ethical_considerations,
                                    "mitigation_strategy": c.fairness_assessment}]
        if c.ethical_considerations else [],
        "maintenance": c.maintenance,
    }


def _governance(m: Model, ir: IR, lineage: nx.DiGraph[str] | None,
                policy: PolicyResult | None) -> dict[str, Any]:
    return {
        "id": m.id,
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


def missing_sections(m: Model, ir: IR, policy: PolicyResult | None = None) -> list[str]:
    """Card sections the spec gives nothing for (always expected, or required by the tier).

    They are reported in the card; judging them is the policy bundle's job.
    """
    tier = tier_requirements(m.risk_tier, ir, policy) or {}
    expected: dict[str, object] = {
        "model_details.owners": m.owner, "model_details.overview": m.description,
        "model_parameters.data": m.training.datasets,
        "quantitative_analysis.performance_metrics": m.metrics,
        "considerations.use_cases": m.card.intended_use,
        "considerations.limitations": m.card.limitations,
        "considerations.ethical_considerations": m.card.ethical_considerations,
        "mlopsc.risk_tier": m.risk_tier,
    }
    if (tier.get("approvals") or 0) > 0:
        expected["mlopsc.approvals"] = m.approvals
    if tier.get("fairness_review"):
        expected["mlopsc.fairness"] = m.fairness
    if tier.get("explainability"):
        expected["mlopsc.explainability"] = m.explainability
    if tier.get("human_oversight"):
        expected["mlopsc.human_oversight"] = m.human_oversight
    return sorted(name for name, value in expected.items() if not value)
