"""The Airflow target: one Airflow 3 DAG file per pipeline whose orchestrator is Airflow.

Output (under ``airflow/``): ``dags/<dag id>.py``, rendered from the Jinja2 templates in
``templates/`` (``PackageLoader``, ``StrictUndefined``); each step is a
``KubernetesPodOperator``. ``dags/mlopsc-watch-<monitor>.py`` for every monitor a drift or
performance trigger names: the watcher DAG that turns its firing alert into the asset
event (:mod:`.watcher`). Settings:

- ``--set airflow.artifact-root=PATH`` where ``$(inputs.X)``/``$(outputs.X)`` paths live
  (default ``/mlopsc/artifacts``, with W521);
- ``--set airflow.gpu-node-label=LABEL`` the node label that picks a GPU type
  (default ``nvidia.com/gpu.product``);
- ``--set airflow.prometheus-conn=ID``, ``airflow.trigger-cooldown=DURATION``,
  ``airflow.watch-interval=DURATION``: the watchers' Prometheus connection (default
  ``mlopsc_prometheus``), cooldown (``1h``) and interval (``1m``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

import jinja2

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.render import gpu
from mlopsc.render.pod_security import container_security, pod_security
from mlopsc.source import entity_path
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc.targets.airflow import DECLARATION, conditions, notify, placement, render, watcher
from mlopsc.targets.airflow.fanout import fanout_task
from mlopsc.targets.airflow.literals import airflow_id, py_name, py_tpl

DEFAULT_ARTIFACT_ROOT = "/mlopsc/artifacts"
DEFAULT_GPU_LABEL = "nvidia.com/gpu.product"
MAX_TAG = 100


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlopsc.targets.airflow", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(render.FILTERS)
    env.filters["comment"] = lambda text: " ".join(str(text).split())
    return env


class AirflowTarget:
    """Compile Airflow pipelines into Airflow 3 DAG files.

    Example::

        artifacts = AirflowTarget().emit(ir, EmitOptions("0.1.0", "mlops.yaml"), bag)
        [a.path for a in artifacts]   # ['dags/fraud-features.py']
    """

    declaration: ClassVar[TargetDeclaration] = DECLARATION

    def emit(self, ir_: ir.IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        template = environment().get_template("dag.py.j2")
        pipelines = [p for p in ir_.pipelines if p.orchestrator == "airflow"]
        artifacts = []
        for p in pipelines:
            if not _ids_ok(p, diagnostics):
                continue
            dag = _dag(p, ir_, options.settings, diagnostics)
            text = template.render(dag=dag, header=options.header())
            artifacts.append(Artifact(f"dags/{dag['dag_id']}.py", text.encode()))
        artifacts += watcher.emit(ir_, pipelines, environment().get_template("watcher.py.j2"),
                                  options, diagnostics, _watcher_clashes(pipelines, diagnostics))
        return sorted(artifacts, key=lambda a: a.path)


def _dag(p: ir.Pipeline, ir_: ir.IR, settings: dict[str, Any], bag: Diagnostics) -> dict[str, Any]:
    datasets: dict[str | None, ir.Dataset] = {d.id: d for d in ir_.datasets}
    assets = [render.asset(datasets.get(t.dataset), t) for t in p.triggers if t.type != "manual"]
    for param in p.parameters if p.schedule or assets else ():
        if param.default is None:
            bag.add("W523", f"pipeline {p.name!r}: parameter {param.name!r} has no default, so "
                    "scheduled and asset-triggered runs pass None",
                    path=entity_path(p.path) + ("parameters", param.name))
    tasks = [_task(p, step, settings, bag) for step in p.steps]
    timeouts = p.timeout_s is not None or any(
        t["timeout_s"] is not None or t["retry_delay_s"] is not None
        or t["max_retry_delay_s"] is not None for t in tasks)
    sdk = {"DAG"} | ({"Asset"} if assets else set()) | ({"AssetAny"} if len(assets) > 1 else set())
    sdk |= {"Param"} if p.parameters else set()
    sdk |= {"task"} if any(t["fanout"] for t in tasks) else set()
    sdk |= {"Connection"} if p.on_failure else set()
    sdk |= {"literal"} if any(_uses_literal(t) for t in tasks) else set()
    sdk |= {"literal"} if p.namespace and py_tpl(p.namespace).startswith("literal(") else set()
    return {"dag_id": airflow_id(p.name), "cron": p.schedule, "assets": assets,
            "timezone": p.timezone, "namespace": p.namespace,
            "service_account": p.service_account,
            "pull_secrets": list(p.image_pull_secrets),
            "owner": p.owner, "tags": list(p.tags), "doc_md": render.dag_doc(p.description),
            "timeout_s": p.timeout_s, "max_active_runs": p.max_active_runs,
            "params": [render.param(x) for x in p.parameters], "tasks": tasks,
            "conditions": conditions.dag_fields(p),
            "timeouts": timeouts, "sdk_imports": sorted(sdk), "notify": notify.data(p)}


def _task(p: ir.Pipeline, step: ir.Step, settings: dict[str, Any],
          bag: Diagnostics) -> dict[str, Any]:
    root = artifact_root(p, settings)
    producers = {item.name: (item.step, item.output) for item in step.inputs}

    def artifact_path(group: str, name: str) -> tuple[str, str]:
        # W521 (validate) reports artifacts passed without an artifact store.
        step_name, output = producers[name] if group == "inputs" else (step.name, name)
        return (f"{root.rstrip('/')}/{airflow_id(p.name)}/",
                f"/{airflow_id(step_name)}/{output}")

    booleans = frozenset(x.name for x in p.parameters if x.type == "boolean")
    requests, limits = render.resources(step.resources)
    selector = dict(step.node_selector)
    if step.resources is not None and step.resources.gpu_type:
        label = str(settings.get("airflow.gpu-node-label", DEFAULT_GPU_LABEL))
        selector[label] = gpu.label_value(label, step.resources.gpu_type)
    return {
        "var": py_name(step.name), "task_id": airflow_id(step.name),
        "display_name": step.display_name, "doc_md": step.description, "image": step.image,
        "cmds": [render.arg(a, artifact_path, booleans) for a in step.command],
        "arguments": [render.arg(a, artifact_path, booleans) for a in step.args],
        "env": step.env, "requests": requests, "limits": limits, "node_selector": selector,
        "security": container_security(step.security),
        "pod_security": pod_security(step.security),
        "host_network": step.security.host_network,
        **render.volumes(step, p.artifact_store),
        "tolerations": [render.toleration(t) for t in step.tolerations],
        **placement.fields(p, step),
        **_retry(step, bag),
        **conditions.fields(p, step),
        "timeout_s": step.timeout_s,
        "fanout": fanout_task(step),
        "upstream": [py_name(name) for name in step.upstream],
    }


def artifact_root(p: ir.Pipeline, settings: dict[str, Any]) -> str:
    """Where a pipeline's artifact paths live: its store's URI or PVC mount path; without a
    store, ``airflow.artifact-root`` or the default (W521 says nothing mounts it)."""
    store = p.artifact_store
    if store is not None:
        return store.uri or store.mount_path
    return str(settings.get("airflow.artifact-root", DEFAULT_ARTIFACT_ROOT))


def _uses_literal(task: dict[str, Any]) -> bool:
    texts = [task["image"], *task["node_selector"].values(), *task["requests"].values(),
             *task["limits"].values()]
    texts += [text for env in task["env"] for text in (env.name, env.value) if text]
    texts += [task["claim"]] if task["claim"] else []
    texts += [text for v in task["volumes"] for text in (v["name"], v["pvc"]) if text]
    return (any(py_tpl(text).startswith("literal(") for text in texts)
            or any(a.code.startswith("literal(") for a in task["cmds"] + task["arguments"]))


def _retry(step: ir.Step, bag: Diagnostics) -> dict[str, Any]:
    r = step.retry
    if r is None:
        return {"retries": None, "retry_delay_s": None, "exponential": False,
                "max_retry_delay_s": None}
    exponential = r.backoff_factor is not None and r.backoff_factor > 1
    if exponential and r.backoff_factor != 2:
        bag.add("W522", f"step {step.name!r}: Airflow doubles the retry delay; backoff factor "
                f"{r.backoff_factor:g} is approximated", path=entity_path(step.path) + (
                    "retries", "backoff_factor"))
    delay = r.backoff_s
    if delay is not None and r.max_backoff_s is not None:
        delay = min(delay, r.max_backoff_s)  # Airflow caps only exponential delays itself
    return {"retries": r.limit, "retry_delay_s": delay, "exponential": exponential,
            "max_retry_delay_s": r.max_backoff_s}


def _watcher_clashes(pipelines: list[ir.Pipeline], bag: Diagnostics) -> frozenset[str]:
    """E521 for a pipeline whose DAG id is a watcher's; the monitors whose watcher is left out."""
    taken = {airflow_id(p.name): p for p in pipelines}
    clashes = set()
    for monitor in watcher.watched(pipelines):
        p = taken.get(watcher.dag_id(monitor))
        if p is not None:
            bag.add("E521", f"pipeline {p.name!r} has the DAG id of the watcher of monitor "
                    f"{monitor!r}", path=entity_path(p.path) + ("name",),
                    hint="rename the pipeline")
            clashes.add(monitor)
    return frozenset(clashes)


def _ids_ok(p: ir.Pipeline, bag: Diagnostics) -> bool:
    ok = True
    seen: dict[str, str] = {}
    for step in p.steps:
        for key in (airflow_id(step.name), py_name(step.name)):
            if seen.setdefault(key, step.name) != step.name:
                bag.add("E521", f"steps {seen[key]!r} and {step.name!r} become the same "
                        f"Airflow id {key!r}", path=entity_path(step.path) + ("name",))
                ok = False
    for i, tag in enumerate(p.tags):
        if len(tag) > MAX_TAG:
            bag.add("E521", f"tag of {len(tag)} characters; Airflow allows {MAX_TAG}",
                    path=entity_path(p.path) + ("tags", i))
            ok = False
    return ok
