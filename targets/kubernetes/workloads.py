"""Core workloads: Deployment, Service, CronJob and the NetworkPolicy of their pods.

>>> replicas_field(type("D", (), {"autoscaling": None, "replicas": None})())
{'replicas': 1}
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.targets.kubernetes import pod
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import selector_labels
from mlopsc.targets.kubernetes.schedule import deadlines


def replicas_field(d: ir.Deployment) -> dict[str, Any]:
    """No ``replicas`` when an HPA owns the count (GitOps would fight it); else the spec's, 1
    by default."""
    if d.autoscaling is not None:
        return {}
    return {"replicas": 1 if d.replicas is None else d.replicas}


def _strategy(rollout: ir.Rollout) -> dict[str, Any]:
    update = {k: v for k, v in (("maxSurge", rollout.max_surge),
                                ("maxUnavailable", rollout.max_unavailable)) if v is not None}
    out: dict[str, Any] = {"type": "RollingUpdate"}
    if update:
        out["rollingUpdate"] = update
    return out


def deployment(ctx: Ctx, name: str, version: str | None = None,
               track: str | None = None) -> dict[str, Any]:
    """A Deployment of one version (``track`` tells stable and candidate apart)."""
    d = ctx.d
    labels = ctx.labels(version, track)
    spec = {
        **replicas_field(d),
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": selector_labels(d, track)},
        "strategy": _strategy(d.rollout),
        "template": pod.template(d, labels, version or d.version, ctx.settings.gpu_node_label),
    }
    return ctx.obj("apps/v1", "Deployment", name, spec, version=version, track=track)


def service(ctx: Ctx, name: str, track: str | None = None) -> dict[str, Any]:
    """A ClusterIP Service on the serving port, named ``http`` so Istio sees HTTP."""
    d = ctx.d
    spec = {"ports": [{"appProtocol": "http", "name": pod.PORT_NAME, "port": d.port,
                       "protocol": "TCP", "targetPort": pod.PORT_NAME}],
            "selector": selector_labels(d, track), "type": "ClusterIP"}
    return ctx.obj("v1", "Service", name, spec, track=track)


def cronjob(ctx: Ctx) -> dict[str, Any]:
    """Batch scoring: one Job per schedule tick, never two at once, retried by the Job, and
    stopped before the next tick (see :mod:`~mlopsc.targets.kubernetes.schedule`)."""
    d = ctx.d
    labels = ctx.labels()
    starting, active = deadlines(d.schedule or "0 0 * * *")
    job = {"activeDeadlineSeconds": active, "backoffLimit": 2,
           "template": pod.template(d, labels, d.version, ctx.settings.gpu_node_label)}
    spec = {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 3,
            "startingDeadlineSeconds": starting,
            "jobTemplate": {"metadata": {"labels": labels}, "spec": job},
            "schedule": d.schedule or "", "successfulJobsHistoryLimit": 3, "timeZone": "Etc/UTC"}
    return ctx.obj("batch/v1", "CronJob", d.name, spec)


NETWORK_API = "networking.k8s.io/v1"


def network_policy(ctx: Ctx) -> dict[str, Any]:
    """Ingress to every pod of the deployment (all tracks) on its serving port only, from
    anywhere (callers, mesh proxies, Prometheus); a batch deployment's pods take none.

    Egress is left open: the spec does not say where a model is loaded from or which
    services it calls. NetworkPolicies add up, so a cluster that must reach the pods on other
    ports (a mesh's own, such as Istio ambient's 15008) adds one allowing them.
    """
    d = ctx.d
    spec: dict[str, Any] = {"podSelector": {"matchLabels": selector_labels(d)},
                            "policyTypes": ["Ingress"]}
    if d.mode != "batch":
        spec["ingress"] = [{"ports": [{"port": pod.PORT_NAME, "protocol": "TCP"}]}]
    return ctx.obj(NETWORK_API, "NetworkPolicy", d.name, spec)
