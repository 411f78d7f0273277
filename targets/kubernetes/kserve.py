"""The KServe flavour: one ``InferenceService`` with a custom predictor container.

KServe keeps the previous revision as the stable one and sends ``canaryTrafficPercent`` of
requests to the new one; it has no traffic mirroring, no header matching and no blue-green
switch, and in raw deployment mode it ignores ``canaryTrafficPercent`` (the checks in
:mod:`mlopsc.targets.kubernetes.checks` report each of these).

In serverless mode the predictor becomes a Knative Service, whose admission webhook accepts
only part of a pod spec: a container port named ``http1`` or ``h2c`` (not ``http``), no
``privileged`` field before Knative 1.17, and a pod-level ``securityContext`` only behind a
feature flag. So the predictor carries the same restrictions at container level
(``runAsNonRoot``, ``seccompProfile``, ``allowPrivilegeEscalation``, capabilities, read-only
root: accepted since Knative 1.8), and probes name the port by number. Raw mode takes the
same spec.
"""

from __future__ import annotations

from typing import Any

from mlopsc.targets.kubernetes import pod
from mlopsc.targets.kubernetes.context import Ctx

API = "serving.kserve.io/v1beta1"
MODES = {"serverless": "Serverless", "raw": "RawDeployment"}
KNATIVE_PORT = "http1"
"""An HTTP/1 port, as Knative wants it named."""


def _scaling(ctx: Ctx) -> dict[str, Any]:
    d = ctx.d
    if d.autoscaling is None:
        count = 1 if d.replicas is None else d.replicas
        return {"maxReplicas": max(count, 1), "minReplicas": count}
    scaling = d.autoscaling
    out: dict[str, Any] = {"maxReplicas": scaling.max_replicas,
                           "minReplicas": scaling.min_replicas}
    if scaling.target_cpu_utilization is not None:
        out.update(scaleMetric="cpu", scaleTarget=scaling.target_cpu_utilization)
    elif scaling.target_requests_per_second is not None:
        out.update(scaleMetric="rps", scaleTarget=int(scaling.target_requests_per_second))
    return out


def knative_pod(spec: dict[str, Any], port: int) -> dict[str, Any]:
    """``spec`` (a serving pod spec of :mod:`pod`) in the form Knative's webhook accepts."""
    pod_security = spec.pop("securityContext")
    container = spec["containers"][0]
    security = container["securityContext"]
    if not security["privileged"]:
        del security["privileged"]  # Knative < 1.17 refuses the field even when false
    security["seccompProfile"] = pod_security["seccompProfile"]
    container["ports"] = [{"containerPort": port, "name": KNATIVE_PORT, "protocol": "TCP"}]
    for probe in ("livenessProbe", "readinessProbe"):
        if probe in container:
            action = container[probe].get("httpGet") or container[probe]["tcpSocket"]
            action["port"] = port
    return spec


def inference_service(ctx: Ctx) -> dict[str, Any]:
    d = ctx.d
    spec = knative_pod(pod.pod_spec(d, d.version, True, ctx.settings.gpu_node_label), d.port)
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
