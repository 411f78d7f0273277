"""Scraping: a ServiceMonitor over a metrics Service that selects every pod of the deployment.

The rollout Services (stable, canary, preview, candidate) overlap; scraping through them
would record each pod twice. One Service selecting all pods of the deployment, scraped once,
carries the pods' version, track and model labels onto the series, so that analysis and
dashboards can tell the candidate from the stable version.
"""

from __future__ import annotations

from mlopsc.targets.kubernetes import pod
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import PREFIX, derived_name, selector_labels

API = "monitoring.coreos.com/v1"
ROLE = PREFIX + "role"
POD_TARGET_LABELS = ["app.kubernetes.io/version", PREFIX + "model", PREFIX + "track"]


def metrics_service(ctx: Ctx) -> dict:
    d = ctx.d
    service = ctx.obj("v1", "Service", derived_name(d.name, "metrics"), {
        "clusterIP": "None",
        "ports": [{"name": pod.PORT_NAME, "port": d.port, "protocol": "TCP",
                   "targetPort": pod.PORT_NAME}],
        "selector": selector_labels(d)})
    service["metadata"]["labels"][ROLE] = "metrics"
    return service


def service_monitor(ctx: Ctx) -> dict:
    d = ctx.d
    spec = {"endpoints": [{"path": d.metrics_path, "port": pod.PORT_NAME, "scheme": "http"}],
            "namespaceSelector": {"matchNames": [d.namespace]},
            "podTargetLabels": POD_TARGET_LABELS,
            "selector": {"matchLabels": {**selector_labels(d), ROLE: "metrics"}}}
    return ctx.obj(API, "ServiceMonitor", d.name, spec)
