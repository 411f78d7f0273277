"""The trigger beside the IR: a CronJob that starts a KFP run when a monitor's alert fires.

KFP starts runs only by hand, through its API, or on a recurring run's schedule. For a
pipeline with ``drift`` or ``performance`` triggers the target writes
``<pipeline>.trigger.yaml``: a ServiceAccount, a Role and RoleBinding (what multi-user
KFP's authorization asks of a caller that lists and creates runs), a ConfigMap holding
:mod:`.run_on_alert` (the program, copied as it is) and its ``config.json``, and a CronJob
that runs it every minute against Prometheus and the KFP API server. Spec values reach the
pod only inside ``config.json`` (a file, which Kubernetes does not expand), never in
``env`` or ``args`` (where Kubernetes expands ``$(VAR)``).
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import yaml

from mlopsc import ir
from mlopsc.targets.kubeflow.component import identifier

MONITOR_TRIGGERS = ("drift", "performance")
DEFAULTS = {
    "kubeflow.prometheus-url": "http://prometheus-operated.monitoring.svc:9090",
    "kubeflow.kfp-endpoint": "http://ml-pipeline.kubeflow.svc.cluster.local:8888",
    "kubeflow.trigger-cooldown": "1h",
    "kubeflow.trigger-image": "python:3.12-slim",
}
MOUNT = "/etc/mlopsc-trigger"
TOKEN_DIR = "/var/run/secrets/kubeflow/pipelines"
MAX_CRONJOB_NAME = 52  # the Job controller appends 11 characters to a CronJob's name


def monitors(p: ir.Pipeline) -> list[str]:
    """The monitors whose alerts start ``p``, sorted."""
    return sorted({t.monitor.partition(":")[2] for t in p.triggers
                   if t.type in MONITOR_TRIGGERS and t.monitor is not None})


def name(p: ir.Pipeline) -> str:
    """The trigger's object names: ``mlopsc-trigger-<pipeline>``, shortened with a hash.

    >>> from types import SimpleNamespace as N
    >>> name(N(name="fraud-training")), len(name(N(name="x" * 63)))
    ('mlopsc-trigger-fraud-training', 52)
    """
    full = f"mlopsc-trigger-{p.name}"
    if len(full) <= MAX_CRONJOB_NAME:
        return full
    digest = hashlib.sha256(p.name.encode()).hexdigest()[:8]
    return f"{full[:MAX_CRONJOB_NAME - 9].rstrip('-')}-{digest}"


def config(p: ir.Pipeline, cooldown_s: int) -> dict[str, Any]:
    """``config.json``: what :mod:`.run_on_alert` reads; parameters keyed by the IR's names,
    as the API server matches them (defaults only, as the recurring run passes them)."""
    return {
        "pipeline": p.name, "monitors": monitors(p), "cooldown_s": cooldown_s,
        "parameters": {identifier(x.name): x.default for x in p.parameters
                       if x.default is not None},
        "namespace": p.namespace, "service_account": p.service_account,
    }


def definition(p: ir.Pipeline, settings: dict[str, Any], cooldown_s: int,
               header: str) -> bytes:
    """The trigger's manifests, one YAML stream."""
    meta = {"name": name(p), "labels": {"app.kubernetes.io/managed-by": "mlopsc",
                                        "app.kubernetes.io/component": "kfp-trigger"}}
    if p.namespace:
        meta["namespace"] = p.namespace
    script = resources.files("mlopsc.targets.kubeflow").joinpath("run_on_alert.py")
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {
        "config.json": json.dumps(config(p, cooldown_s), sort_keys=True, indent=2) + "\n",
        "run_on_alert.py": script.read_text(encoding="utf-8")}}
    docs = [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta},
            _role(meta), _binding(meta), configmap, _cronjob(meta, settings)]
    text = "---\n".join(yaml.dump(d, Dumper=_Dumper, sort_keys=False, allow_unicode=False,
                                  width=100) for d in docs)
    return (f"# {header}\n# pipeline: {p.name}.yaml (runs it when a monitor's alert "
            f"fires)\n{text}").encode()


def _role(meta: dict[str, Any]) -> dict[str, Any]:
    # Multi-user KFP checks each call with a SubjectAccessReview on these resources.
    group = ["pipelines.kubeflow.org"]
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta,
            "rules": [{"apiGroups": group, "resources": ["runs"],
                       "verbs": ["create", "get", "list"]},
                      {"apiGroups": group, "resources": ["pipelines", "pipelines/versions"],
                       "verbs": ["get", "list"]}]}


def _binding(meta: dict[str, Any]) -> dict[str, Any]:
    subject = {"kind": "ServiceAccount", "name": meta["name"]}
    if "namespace" in meta:
        subject["namespace"] = meta["namespace"]
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": meta, "subjects": [subject],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                        "name": meta["name"]}}


def _cronjob(meta: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    def setting(key: str) -> str:
        return str(settings.get(key, DEFAULTS[key]))

    container = {
        "name": "trigger", "image": setting("kubeflow.trigger-image"),
        "command": ["python", f"{MOUNT}/run_on_alert.py", f"{MOUNT}/config.json"],
        "env": [{"name": "PROMETHEUS_URL", "value": setting("kubeflow.prometheus-url")},
                {"name": "KFP_ENDPOINT", "value": setting("kubeflow.kfp-endpoint")},
                {"name": "KFP_TOKEN_PATH", "value": f"{TOKEN_DIR}/token"},
                {"name": "PYTHONDONTWRITEBYTECODE", "value": "1"}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"},
                      "limits": {"memory": "128Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "program", "mountPath": MOUNT, "readOnly": True},
                         {"name": "kfp-token", "mountPath": TOKEN_DIR, "readOnly": True}],
    }
    token = {"serviceAccountToken": {"audience": "pipelines.kubeflow.org",
                                     "expirationSeconds": 7200, "path": "token"}}
    pod = {
        "serviceAccountName": meta["name"], "restartPolicy": "Never",
        "securityContext": {"runAsNonRoot": True, "runAsUser": 65534,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        "volumes": [{"name": "program", "configMap": {"name": meta["name"]}},
                    {"name": "kfp-token", "projected": {"sources": [token]}}],
    }
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta, "spec": {
        "schedule": "* * * * *", "concurrencyPolicy": "Forbid", "startingDeadlineSeconds": 60,
        "successfulJobsHistoryLimit": 1, "failedJobsHistoryLimit": 3,
        "jobTemplate": {"spec": {"backoffLimit": 0, "activeDeadlineSeconds": 120,
                                 "template": {"metadata": {"labels": meta["labels"]},
                                              "spec": pod}}}}}


class _Dumper(yaml.SafeDumper):
    """Block literals for multi-line text (the program stays readable in the manifest), and
    no anchors for the metadata the objects share."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
