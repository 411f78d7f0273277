"""The ``argo-workflows`` target: one Argo Workflow (``argoproj.io/v1alpha1``) per pipeline
whose orchestrator is ``argo-workflows``: a DAG template whose tasks run the steps'
containers, in the step order and dependencies of the spec.

Deliberately small. What it cannot carry it reports: a schedule or triggers (W901), text
Argo would read as a template (E902, the pipeline is not written). Step caching is not
carried (Argo's memoization is opt-in; without it a step simply runs again).
"""

from __future__ import annotations

from typing import Any, ClassVar

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.render.pod_security import container_security, pod_security
from mlopsc.render.yaml_out import dump
from mlopsc.source import parse_path
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc_inventory import ARGO_WORKFLOWS

_UNSAFE = ("{{", "$(")


class ArgoWorkflowsTarget:
    declaration: ClassVar[TargetDeclaration] = ARGO_WORKFLOWS

    def emit(self, ir_: ir.IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        out: list[Artifact] = []
        for p in ir_.pipelines:
            if p.orchestrator not in ARGO_WORKFLOWS.orchestrators:
                continue
            where = parse_path(p.path)
            if p.schedule is not None or p.triggers:
                diagnostics.add("W901", f"pipeline {p.name!r}: the Workflow does not carry the "
                                "pipeline's schedule or triggers",
                                path=where + (("schedule",) if p.schedule else ("triggers",)))
            if _refused(p, diagnostics):
                continue
            for step in p.steps:
                if step.resources is not None and step.resources.gpu_type is not None:
                    diagnostics.add("W503", f"pipeline {p.name!r}, step {step.name!r}: the GPU "
                                    "type is not carried; any GPU node may run the step",
                                    path=parse_path(step.path) + ("resources", "gpu"))
            text = f"# {options.header()}\n" + dump(workflow(p))
            out.append(Artifact(f"{p.name}.yaml", text.encode()))
        return out


def _refused(p: ir.Pipeline, bag: Diagnostics) -> bool:
    for step in p.steps:
        texts = [("command", i, t) for i, t in enumerate(step.command)]
        texts += [("args", i, t) for i, t in enumerate(step.args)]
        texts += [("env", e.name, e.value) for e in step.env if e.value is not None]
        for field, key, text in texts:
            if any(mark in text for mark in _UNSAFE):
                bag.add("E902", f"pipeline {p.name!r}, step {step.name!r}: {field} holds "
                        "'{{' or '$(', which Argo Workflows would rewrite",
                        path=parse_path(step.path) + (field, key))
                return True
    return False


def workflow(p: ir.Pipeline) -> dict[str, Any]:
    """The Workflow object of pipeline ``p`` (plain data, written as YAML)."""
    metadata: dict[str, Any] = {"generateName": f"{p.name}-"}
    if p.namespace:
        metadata["namespace"] = p.namespace
    metadata["labels"] = {"app.kubernetes.io/managed-by": "mlopsc", "mlopsc.io/pipeline": p.name}
    spec: dict[str, Any] = {"entrypoint": "main"}
    if p.service_account:
        spec["serviceAccountName"] = p.service_account
    if p.image_pull_secrets:
        spec["imagePullSecrets"] = [{"name": s} for s in p.image_pull_secrets]
    if p.timeout_s is not None:
        spec["activeDeadlineSeconds"] = int(p.timeout_s)
    if p.steps:
        spec["securityContext"] = pod_security(p.steps[0].security)
    tasks = [{"name": s.name, "template": f"step-{s.name}",
              **({"dependencies": list(s.upstream)} if s.upstream else {})} for s in p.steps]
    spec["templates"] = [{"name": "main", "dag": {"tasks": tasks}},
                         *(_template(s) for s in p.steps)]
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": metadata,
            "spec": spec}


def _template(step: ir.Step) -> dict[str, Any]:
    container: dict[str, Any] = {"image": step.image}
    if step.command:
        container["command"] = list(step.command)
    if step.args:
        container["args"] = list(step.args)
    if step.env:
        container["env"] = [_env(e) for e in step.env]
    if step.resources is not None:
        container["resources"] = _resources(step.resources)
    container["securityContext"] = container_security(step.security)
    template: dict[str, Any] = {"name": f"step-{step.name}", "container": container}
    if step.node_selector:
        template["nodeSelector"] = dict(sorted(step.node_selector.items()))
    if step.tolerations:
        template["tolerations"] = [_toleration(t) for t in step.tolerations]
    if step.retry is not None:
        template["retryStrategy"] = _retry(step.retry)
    if step.timeout_s is not None:
        template["activeDeadlineSeconds"] = int(step.timeout_s)
    return template


def _toleration(t: ir.Toleration) -> dict[str, Any]:
    out: dict[str, Any] = {"key": t.key, "operator": "Exists" if t.value is None else "Equal"}
    if t.value is not None:
        out["value"] = t.value
    if t.effect is not None:
        out["effect"] = t.effect
    return out


def _retry(r: ir.Retry) -> dict[str, Any]:
    out: dict[str, Any] = {"limit": r.limit}
    backoff = {k: v for k, v in (("duration", _seconds(r.backoff_s)),
                                 ("factor", r.backoff_factor),
                                 ("maxDuration", _seconds(r.max_backoff_s))) if v is not None}
    if backoff:
        out["backoff"] = backoff
    return out


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:g}s"


def _env(e: ir.EnvVar) -> dict[str, Any]:
    if e.secret is not None:
        return {"name": e.name,
                "valueFrom": {"secretKeyRef": {"name": e.secret, "key": e.secret_key}}}
    return {"name": e.name, "value": e.value or ""}


def _resources(r: ir.Resources) -> dict[str, Any]:
    requests = {k: v for k, v in (("cpu", r.cpu), ("memory", r.memory)) if v is not None}
    limits = {k: v for k, v in (("cpu", r.cpu_limit), ("memory", r.memory_limit)) if v is not None}
    if r.gpu_count:
        limits["nvidia.com/gpu"] = str(r.gpu_count)
    return {k: v for k, v in (("requests", requests), ("limits", limits)) if v}
