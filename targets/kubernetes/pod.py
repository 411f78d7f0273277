"""The pod template of a deployment: one container, secure by default.

Security: the pod runs as non-root with the runtime's default seccomp profile, the
container drops every capability, cannot escalate privileges and has a read-only root
filesystem (with an ``emptyDir`` at ``/tmp`` so servers can still write scratch files).
Secrets reach the container only through ``secretKeyRef``; the service-account token is
not mounted. Spec strings land in values only (env values, paths, args).

>>> from mlopsc import ir
>>> env = env_vars((ir.EnvVar(name="TOKEN", secret="s", secret_key="k"),), {})
>>> env[0]["valueFrom"]
{'secretKeyRef': {'key': 'k', 'name': 's'}}
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.render.pod_security import container_security, pod_security
from mlopsc.targets.kubernetes.meta import label_value

GPU_RESOURCE = "nvidia.com/gpu"
GPU_NODE_LABEL = "nvidia.com/gpu.product"
PORT_NAME = "http"


def env_vars(env: tuple[ir.EnvVar, ...], extra: dict[str, str]) -> list[dict[str, Any]]:
    """The spec's variables (literal or ``secretKeyRef``), then ``extra`` ones the spec
    does not set itself; sorted by name."""
    out = {}
    for var in env:
        if var.secret is not None:
            ref = {"key": var.secret_key or var.name, "name": var.secret}
            out[var.name] = {"name": var.name, "valueFrom": {"secretKeyRef": ref}}
        else:
            out[var.name] = {"name": var.name, "value": var.value or ""}
    for name, value in extra.items():
        out.setdefault(name, {"name": name, "value": value})
    return [out[name] for name in sorted(out)]


def resources(res: ir.Resources | None) -> dict[str, Any]:
    """Requests and limits; the memory limit defaults to the request (as the spec says)."""
    if res is None:
        return {}
    requests = {k: v for k, v in (("cpu", res.cpu), ("memory", res.memory)) if v}
    limits: dict[str, str | int] = {k: v for k, v in (("cpu", res.cpu_limit),
                                ("memory", res.memory_limit or res.memory)) if v}
    if res.gpu_count:
        limits[GPU_RESOURCE] = res.gpu_count
    out: dict[str, Any] = {}
    if limits:
        out["limits"] = limits
    if requests:
        out["requests"] = requests
    return out


def probes(p: ir.Probes | None) -> dict[str, Any]:
    """HTTP probes from the spec; without them a TCP readiness probe on the serving port,
    so that rollouts never send traffic to a pod that is not listening yet."""
    if p is None:
        return {"readinessProbe": {"periodSeconds": 10, "tcpSocket": {"port": PORT_NAME}}}
    delay = int(p.initial_delay_s)
    return {
        "livenessProbe": {"httpGet": {"path": p.liveness_path, "port": PORT_NAME},
                          "initialDelaySeconds": delay, "periodSeconds": 10},
        "readinessProbe": {"httpGet": {"path": p.readiness_path, "port": PORT_NAME},
                           "initialDelaySeconds": delay, "periodSeconds": 5},
    }


def container(d: ir.Deployment, version: str, serving: bool) -> dict[str, Any]:
    """The model container. ``serving`` adds the port and probes (online and streaming)."""
    out = {
        "env": env_vars(d.env, {"MLOPSC_MODEL": d.model_name, "MLOPSC_MODEL_VERSION": version}),
        "image": d.image,
        "imagePullPolicy": "IfNotPresent",
        "name": "model",
        "resources": resources(d.resources),
        "securityContext": container_security(d.security),
        "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}],
    }
    if d.command:
        out["command"] = list(d.command)
    if d.args:
        out["args"] = list(d.args)
    if serving:
        out["ports"] = [{"containerPort": d.port, "name": PORT_NAME, "protocol": "TCP"}]
        out.update(probes(d.probes))
    return out


def pod_spec(d: ir.Deployment, version: str, serving: bool, gpu_label: str) -> dict[str, Any]:
    """The pod spec (batch pods never restart in place: the Job retries them)."""
    spec = {
        "automountServiceAccountToken": False,
        "containers": [container(d, version, serving)],
        "securityContext": pod_security(d.security),
        "volumes": [{"emptyDir": {}, "name": "tmp"}],
    }
    if d.security.host_network:
        spec["hostNetwork"] = True
    if d.resources and d.resources.gpu_type:
        spec["nodeSelector"] = {gpu_label: label_value(d.resources.gpu_type)}
    if not serving:
        spec["restartPolicy"] = "Never"
    return spec


def template(d: ir.Deployment, labels: dict[str, str], version: str,
             gpu_label: str) -> dict[str, Any]:
    """A pod template: labels (``version`` may differ from the deployment's for a stable
    track) and the pod spec."""
    return {"metadata": {"labels": labels},
            "spec": pod_spec(d, version, d.mode != "batch", gpu_label)}
