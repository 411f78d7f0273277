"""The KServe flavour: one ``InferenceService`` with a custom predictor container.

KServe keeps the previous revision as the stable one and sends ``canaryTrafficPercent`` of
requests to the new one; it has no traffic mirroring, no header matching and no blue-green
switch, and in raw deployment mode it ignores ``canaryTrafficPercent`` (the checks in
:mod:`mlopsc.targets.kubernetes.checks` report each of these).
"""

from __future__ import annotations

from mlopsc.targets.kubernetes import pod
from mlopsc.targets.kubernetes.context import Ctx

API = "serving.kserve.io/v1beta1"
MODES = {"serverless": "Serverless", "raw": "RawDeployment"}


def _scaling(ctx: Ctx) -> dict:
    d = ctx.d
    if d.autoscaling is None:
        count = 1 if d.replicas is None else d.replicas
        return {"maxReplicas": max(count, 1), "minReplicas": count}
    scaling = d.autoscaling
    out = {"maxReplicas": scaling.max_replicas, "minReplicas": scaling.min_replicas}
    if scaling.target_cpu_utilization is not None:
        out.update(scaleMetric="cpu", scaleTarget=scaling.target_cpu_utilization)
    elif scaling.target_requests_per_second is not None:
        out.update(scaleMetric="rps", scaleTarget=int(scaling.target_requests_per_second))
    return out


def inference_service(ctx: Ctx) -> dict:
    d = ctx.d
    spec = pod.pod_spec(d, d.version, True, ctx.settings.gpu_node_label)
    predictor = {**spec, **_scaling(ctx), "labels": ctx.labels()}
    if d.rollout.strategy == "canary" and d.rollout.steps:
        predictor["canaryTrafficPercent"] = d.rollout.steps[0].weight
    obj = ctx.obj(API, "InferenceService", d.name, {"predictor": predictor})
    obj["metadata"]["annotations"] = {
        "serving.kserve.io/deploymentMode": MODES.get(ctx.settings.kserve_mode, "Serverless"),
        "serving.kserve.io/enable-prometheus-scraping": "true",
        "prometheus.kserve.io/path": d.metrics_path,
        "prometheus.kserve.io/port": str(d.port)}
    return obj
