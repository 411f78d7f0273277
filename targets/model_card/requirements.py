"""What a model's card lacks, which requirements the policy gate found unmet, and the waivers
that excuse them.

A card never hides an unmet requirement: a missing section names the waiver that covers it,
and every rule that fails or is waived on the model is listed with its waiver (rule, subject,
approver, expiry). Judging them stays the policy bundle's job.
"""

from __future__ import annotations

from typing import Any

from mlopsc.governance.tiers import requirements as tier_requirements
from mlopsc.ir import IR, Model
from mlopsc.policy.result import PolicyResult, WaiverUse

# Card section -> the spec field (under the model's path) that fills it; policy findings
# about the section carry that path.
_SPEC_FIELDS = {
    "model_details.owners": "owner",
    "model_details.overview": "description",
    "model_parameters.data": "training.datasets",
    "quantitative_analysis.performance_metrics": "metrics",
    "considerations.use_cases": "card.intended_use",
    "considerations.limitations": "card.limitations",
    "considerations.ethical_considerations": "card.ethical_considerations",
    "mlopsc.risk_tier": "risk_tier",
    "mlopsc.approvals": "approvals",
    "mlopsc.fairness": "fairness",
    "mlopsc.explainability": "explainability",
    "mlopsc.human_oversight": "human_oversight",
}


def missing_sections(m: Model, ir: IR, policy: PolicyResult | None = None) -> list[str]:
    """Card sections the spec gives nothing for (always expected, or required by the tier).

    ``model_details.*``, ``model_parameters.*``, ``quantitative_analysis.*`` and
    ``considerations.*`` name fields of the toolkit card, ``mlopsc.*`` keys of the mlopsc
    file. They are reported in the card; judging them is the policy bundle's job.
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


def missing(m: Model, ir: IR, policy: PolicyResult | None) -> list[dict[str, Any]]:
    """Each missing section with its spec path and the active waivers whose excused findings
    lie under that path (``None`` when no policy ran, so nothing is known about waivers)."""
    waivers = _active_waivers((m.path,), policy)
    out = []
    for section in missing_sections(m, ir, policy):
        path = f"{m.path}.{_SPEC_FIELDS[section]}"
        covering = None if policy is None else sorted(
            w.name for w in waivers if any(_under(p, path) for p in w.matched))
        out.append({"section": section, "spec_path": path, "waivers": covering})
    return out


def subjects(m: Model, ir: IR) -> tuple[str, ...]:
    """The spec paths a card answers for: the model, the pipeline that trains it and the
    deployments that serve it."""
    paths = {m.path, *(d.path for d in ir.deployments if d.model == m.id),
             *(p.path for p in ir.pipelines if p.id == m.training.pipeline)}
    return tuple(sorted(paths))


def unmet(m: Model, ir: IR, policy: PolicyResult | None) -> list[dict[str, Any]] | None:
    """Every rule failing or waived on the card's subjects, with its findings and its
    waiver's name (``None`` when no policy ran)."""
    if policy is None:
        return None
    mine = set(subjects(m, ir))
    return [{"rule": r.rule, "severity": _severity(r.rule, policy), "subject": r.subject,
             "status": r.status, "findings": list(r.messages), "waiver": r.waiver}
            for r in sorted(policy.results, key=lambda r: (r.subject, r.rule))
            if r.subject in mine and r.status != "pass"]


def _severity(rule: str, policy: PolicyResult) -> str | None:
    info = policy.rules.get(rule)
    return info.severity if info is not None else None


def waivers(m: Model, ir: IR, policy: PolicyResult | None) -> list[dict[str, Any]]:
    """The active waivers that excuse findings on the card's subjects, as the card names
    them."""
    return [{"name": w.name, "rule": w.rule, "subject": w.subject, "approver": w.approver,
             "expires": w.expires, "reason": w.reason, "excused": list(w.matched)}
            for w in _active_waivers(subjects(m, ir), policy)]


def _active_waivers(paths: tuple[str, ...], policy: PolicyResult | None) -> list[WaiverUse]:
    if policy is None:
        return []
    return sorted((w for w in policy.waivers if w.status == "active"
                   and any(_under(p, s) for p in w.matched for s in paths)),
                  key=lambda w: w.name)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "["))
