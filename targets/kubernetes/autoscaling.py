"""HorizontalPodAutoscaler (``autoscaling/v2``) and PodDisruptionBudget.

``target_requests_per_second`` becomes a Pods metric ``http_requests_per_second``, which a
metrics adapter (e.g. prometheus-adapter) must serve; without any target the HPA keeps
Kubernetes' default of 80 % CPU.
"""

from __future__ import annotations

from typing import Any

from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import selector_labels

RPS_METRIC = "http_requests_per_second"


def hpa(ctx: Ctx, name: str, target: tuple[str, str, str],
        track: str | None = None) -> dict[str, Any]:
    """``target`` is the scaled object's (apiVersion, kind, name)."""
    scaling = ctx.d.autoscaling
    assert scaling is not None  # an HPA is made only for a deployment that autoscales
    api, kind, target_name = target
    metrics: list[dict[str, Any]] = []
    if scaling.target_cpu_utilization is not None:
        metrics.append({"resource": {"name": "cpu", "target": {
            "averageUtilization": scaling.target_cpu_utilization, "type": "Utilization"}},
            "type": "Resource"})
    if scaling.target_requests_per_second is not None:
        value = scaling.target_requests_per_second
        metrics.append({"pods": {"metric": {"name": RPS_METRIC}, "target": {
            "averageValue": str(int(value)) if value == int(value) else f"{round(value * 1000)}m",
            "type": "AverageValue"}}, "type": "Pods"})
    spec = {"maxReplicas": scaling.max_replicas, "minReplicas": max(scaling.min_replicas, 1),
            "scaleTargetRef": {"apiVersion": api, "kind": kind, "name": target_name}}
    if metrics:
        spec["metrics"] = metrics
    return ctx.obj("autoscaling/v2", "HorizontalPodAutoscaler", name, spec, track=track)


def min_replicas(ctx: Ctx) -> int:
    d = ctx.d
    if d.autoscaling is not None:
        return d.autoscaling.min_replicas
    return 1 if d.replicas is None else d.replicas


def pdb(ctx: Ctx, name: str, track: str | None = None) -> dict[str, Any] | None:
    """At most one pod down at a time by voluntary disruption, when there are 2 or more."""
    if min_replicas(ctx) <= 1:
        return None
    spec = {"maxUnavailable": 1, "selector": {"matchLabels": selector_labels(ctx.d, track)}}
    return ctx.obj("policy/v1", "PodDisruptionBudget", name, spec, track=track)
