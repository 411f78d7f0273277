"""Scraping: a ServiceMonitor over a metrics Service that selects every pod of the deployment.

The rollout Services (stable, canary, preview, candidate) overlap; scraping through them
would record each pod twice. One Service selecting all pods of the deployment is scraped
once per pod, and the series it yields are labelled the way SLI selectors name the
deployment:

- ``service`` and ``job``: the deployment's name, which is also the Service users call
  (prometheus-operator would write the scraped Service's name, ``<name>-metrics``; a
  relabeling puts the deployment's name back, after the operator's own);
- ``namespace``, ``pod``, ``container``, ``endpoint`` as prometheus-operator sets them;
- the pods' version, model and track (``app_kubernetes_io_version``, ``mlopsc_io_model``,
  ``mlopsc_io_track``), and for Argo Rollouts their ``rollouts_pod_template_hash``, by
  which analyses tell the new version's pods from the stable ones.

A shadow deployment's metrics Service selects only its candidate pods: its SLOs judge the
candidate, and a Service over the stable copy too would dilute the candidate's error
ratio (half its value at a 100% mirror, where both copies see the same requests).
"""

from __future__ import annotations

from typing import Any

from mlopsc.targets.kubernetes import pod
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import PREFIX, derived_name, selector_labels

API = "monitoring.coreos.com/v1"
ROLE = PREFIX + "role"
POD_TARGET_LABELS = ["app.kubernetes.io/version", PREFIX + "model", PREFIX + "track"]
ROLLOUT_HASH = "rollouts-pod-template-hash"
"""The label Argo Rollouts puts on every pod of a Rollout's ReplicaSet."""


def metrics_service(ctx: Ctx) -> dict[str, Any]:
    d = ctx.d
    service = ctx.obj("v1", "Service", derived_name(d.name, "metrics"), {
        "clusterIP": "None",
        "ports": [{"name": pod.PORT_NAME, "port": d.port, "protocol": "TCP",
                   "targetPort": pod.PORT_NAME}],
        "selector": selector_labels(d, "candidate" if d.rollout.strategy == "shadow" else None)})
    service["metadata"]["labels"][ROLE] = "metrics"
    return service


KSERVE_POD_LABEL = "serving.kserve.io/inferenceservice"
"""The label KServe puts on every predictor pod of an InferenceService (both revisions)."""


def kserve_metrics_service(ctx: Ctx) -> dict[str, Any]:
    """The metrics Service of a KServe predictor: every pod KServe labels with the
    InferenceService's name, on the container's port by number (Knative renames the port
    and puts its queue-proxy in front; the scrape goes to the container directly)."""
    d = ctx.d
    service = ctx.obj("v1", "Service", derived_name(d.name, "metrics"), {
        "clusterIP": "None",
        "ports": [{"name": pod.PORT_NAME, "port": d.port, "protocol": "TCP",
                   "targetPort": d.port}],
        "selector": {KSERVE_POD_LABEL: d.name}})
    service["metadata"]["labels"][ROLE] = "metrics"
    return service


def service_monitor(ctx: Ctx) -> dict[str, Any]:
    d = ctx.d
    # The deployment's name is a DNS label: no `$` for the relabeling to expand.
    service_label = {"action": "replace", "replacement": d.name, "targetLabel": "service"}
    endpoint = {"path": d.metrics_path, "port": pod.PORT_NAME, "relabelings": [service_label],
                "scheme": "http"}
    pod_labels = list(POD_TARGET_LABELS)
    if d.rollout.strategy in ("canary", "blue-green") and ctx.flavour != "kserve":
        pod_labels.append(ROLLOUT_HASH)
    spec = {"endpoints": [endpoint],
            "jobLabel": "app.kubernetes.io/instance",
            "namespaceSelector": {"matchNames": [d.namespace]},
            "podTargetLabels": pod_labels,
            "selector": {"matchLabels": {**selector_labels(d), ROLE: "metrics"}}}
    return ctx.obj(API, "ServiceMonitor", d.name, spec)
