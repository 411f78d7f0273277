"""Shadow before canary: the canary's first step waits for the shadow's verdict.

When a shadow deployment mirrors a canary deployment (``rollout.mirror_of``), the canary's
Rollout starts with an ``analysis`` step running the ``<name>-shadow-verdict``
AnalysisTemplate before any ``setWeight``: the shadow SLOs' error ratios over the shadow's
candidate pods (all of them: a mirrored shadow runs no stable copy) in the shadow's
namespace (the environment's: another environment's shadow has the same ``service``
label), measured ``count``
times (the canary's ``analysis.count``, else 5) at the analysis interval. A failed
measurement aborts the Rollout before it shifts any traffic; too few mirrored requests
leave the measurement inconclusive, which pauses it for a human. Both deployments are
applied together; the ordering is the Rollout's own step, not sync waves.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.render.promql import duration
from mlopsc.render.slo import error_budget, in_namespace, ratio_expr, sli_selectors
from mlopsc.targets.kubernetes import analysis, istio
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import derived_name


def verdict_name(d: ir.Deployment) -> str:
    return derived_name(d.name, "shadow-verdict")


def _query(slo: ir.Slo, namespace: str, window_s: float) -> str:
    """The shadow SLO's error ratio in ``namespace``, empty below the minimum request count."""
    sli = in_namespace(slo.sli, namespace)
    total = analysis.argo_inert(sli_selectors(sli)[1])
    budget = error_budget(slo)
    return (f"{ratio_expr(sli, window_s, analysis.argo_inert)} and on() "
            f"(sum(increase({total}[{duration(window_s)}])) >= "
            f"{analysis.min_requests(budget)})")


def template(ctx: Ctx) -> dict[str, Any] | None:
    """The verdict template of an online canary that a shadow mirrors, else None."""
    d = ctx.d
    if d.rollout.strategy != "canary" or d.mode != "online" or ctx.flavour == "kserve":
        return None
    shadow = istio.mirroring(ctx)
    if shadow is None:
        return None
    spec = d.rollout.analysis
    window = max(spec.interval_s if spec else 0.0, analysis.MIN_WINDOW_S)
    count = (spec.count if spec else None) or analysis.DEFAULT_COUNT
    metrics = []
    for slo in (ctx.ir.get(slo_id, ir.Slo) for slo_id in shadow.slos):
        budget = error_budget(slo)
        condition = {"failureCondition": analysis.gate_failure(budget),
                     "failureLimit": spec.failure_limit if spec else 0,
                     "inconclusiveLimit": analysis.INCONCLUSIVE_LIMIT,
                     "successCondition": analysis.gate_success(budget)}
        query = _query(slo, shadow.namespace, window)
        metrics.append(analysis.metric(ctx, f"shadow-{slo.name}", query, condition, count))
    if not metrics:
        return None
    return analysis.template(ctx, verdict_name(d), metrics)


def first_step(templates: list[dict[str, Any]], d: ir.Deployment) -> list[dict[str, Any]]:
    """The analysis step that comes before the canary's first ``setWeight`` (or none)."""
    if not any(t["metadata"]["name"] == verdict_name(d) for t in templates):
        return []
    return [{"analysis": {"templates": [{"templateName": verdict_name(d)}]}}]
