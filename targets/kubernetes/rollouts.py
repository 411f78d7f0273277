"""Argo Rollouts ``Rollout`` for the canary and blue-green strategies.

Canary: ``setWeight``/``pause`` steps from the spec (a step without a pause waits for a
manual promotion, except the last one: nothing is left to promote), traffic split by an
Istio VirtualService that Argo edits (route ``primary``), stable and canary Services, and a
background analysis with the gate and rollback templates.

Blue-green: active and preview Services, ``autoPromotionEnabled`` from ``auto_promote``,
``scaleDownDelaySeconds`` when the spec sets ``scale_down_delay``; the gate runs before
promotion (``prePromotionAnalysis``), the rollback triggers after it for the whole
``rollback_window`` (``postPromotionAnalysis``, :func:`analysis.watch_count` measurements),
while the old ReplicaSet stays up: a failed measurement aborts, and the active Service
switches back to it at once.

Every analysis passes the newest ReplicaSet's pod-template hash (``podTemplateHashValue:
Latest``: the canary, or the preview that becomes active), so SLI queries judge the new
version alone (:mod:`analysis`).

Argo keeps the previous ReplicaSet as the stable version, so the Rollout holds only the
candidate's pod template.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.targets.kubernetes import analysis, gateway, pod, shadow_gate
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import canary_service, derived_name, selector_labels
from mlopsc.targets.kubernetes.workloads import replicas_field

API = analysis.API
ROUTE = "primary"


def preview_service(d: ir.Deployment) -> str:
    return derived_name(d.name, "preview")


def steps(rollout: ir.Rollout) -> list[dict[str, Any]]:
    """``setWeight`` and ``pause`` steps.

    >>> r = type("R", (), {"steps": (ir.CanaryStep(weight=5, pause_s=600),
    ...                              ir.CanaryStep(weight=50, pause_s=None),
    ...                              ir.CanaryStep(weight=100, pause_s=None))})()
    >>> steps(r)  # doctest: +NORMALIZE_WHITESPACE
    [{'setWeight': 5}, {'pause': {'duration': '600s'}}, {'setWeight': 50}, {'pause': {}},
     {'setWeight': 100}]
    """
    out: list[dict[str, Any]] = []
    last = len(rollout.steps) - 1
    for index, step in enumerate(rollout.steps):
        out.append({"setWeight": step.weight})
        if step.pause_s is not None:
            out.append({"pause": {"duration": f"{int(step.pause_s)}s"}})
        elif index != last:
            out.append({"pause": {}})
    return out


def _analysis(templates: list[dict[str, Any]]) -> dict[str, Any]:
    """An analysis over ``templates``, with the new pods' hash for those that ask for it."""
    out: dict[str, Any] = {
        "templates": [{"templateName": t["metadata"]["name"]} for t in templates]}
    if any("args" in t["spec"] for t in templates):
        out["args"] = analysis.args()
    return out


def _canary(ctx: Ctx, templates: list[dict[str, Any]]) -> dict[str, Any]:
    d = ctx.d
    # Shadow before canary: the shadow's verdict is the first step, before any weight.
    first = shadow_gate.first_step(templates, d)
    templates = [t for t in templates if t["metadata"]["name"] != shadow_gate.verdict_name(d)]
    canary: dict[str, Any] = {"canaryService": canary_service(d), "stableService": d.name,
                              "steps": first + steps(d.rollout)}
    if d.mode == "online":
        # Host-level split: the route's two destinations are the stable and canary Services.
        canary["trafficRouting"] = gateway.plugin(ctx) if gateway.selected(ctx) else \
            {"istio": {"virtualServices": [{"name": d.name, "routes": [ROUTE]}]}}
    update = {k: v for k, v in (("maxSurge", d.rollout.max_surge),
                                ("maxUnavailable", d.rollout.max_unavailable)) if v is not None}
    canary.update(update)
    if templates:
        canary["analysis"] = _analysis(templates)
    return {"canary": canary}


def _blue_green(ctx: Ctx, templates: list[dict[str, Any]]) -> dict[str, Any]:
    d = ctx.d
    blue_green = {"activeService": d.name, "autoPromotionEnabled": d.rollout.auto_promote,
                  "previewService": preview_service(d)}
    # The old version must outlive the rollback window, or an abort has nothing to switch
    # back to. Argo Rollouts' docs (features/bluegreen.md, postPromotionAnalysis): without
    # scaleDownDelaySeconds the old ReplicaSet is scaled down "only after the AnalysisRun
    # completes"; with it, the AnalysisRun is cancelled when the delay runs out. So the delay
    # is written only when the spec sets one (W565 when shorter than the window). Its code
    # agrees for the unset case: the old ReplicaSet stays the Rollout's stable one until the
    # post-promotion run succeeds (rollout/sync.go shouldFullPromote), and only non-stable
    # ReplicaSets are scaled down (rollout/bluegreen.go scaleDownOldReplicaSetsForBlueGreen).
    if d.rollout.scale_down_delay_s is not None:
        blue_green["scaleDownDelaySeconds"] = int(d.rollout.scale_down_delay_s)
    by_name = {t["metadata"]["name"]: t for t in templates}
    if (gate := by_name.get(analysis.gate_name(d))) is not None:
        blue_green["prePromotionAnalysis"] = _analysis([gate])
    if (rollback := by_name.get(analysis.rollback_name(d))) is not None:
        blue_green["postPromotionAnalysis"] = _analysis([rollback])
    return {"blueGreen": blue_green}


def rollout(ctx: Ctx, templates: list[dict[str, Any]]) -> dict[str, Any]:
    """The Rollout of a canary or blue-green deployment."""
    d = ctx.d
    strategy = _canary(ctx, templates) if d.rollout.strategy == "canary" \
        else _blue_green(ctx, templates)
    spec = {**replicas_field(d), "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector_labels(d)}, "strategy": strategy,
            "template": pod.template(d, ctx.labels(), d.version, ctx.settings.gpu_node_label)}
    return ctx.obj(API, "Rollout", d.name, spec)
