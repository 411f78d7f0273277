"""Run by the Airflow venv's python: load DAG files with Airflow's own DagBag, print JSON.

    python tests/integration/airflow_check.py DAG_FOLDER [--import-times N]

Prints one JSON object: ``import_errors`` (file -> message) and, per dag id, its schedule,
tags, doc, params and tasks (upstream ids, retries, delays, timeout, resources, env and the
command/arguments *as Airflow renders them* (``render_template_fields``, as a worker
does before the pod starts) for a run with the default params and the run id
``RUN``). With ``--import-times N`` it instead imports each file N times (fresh module each
time, as the DAG processor does) and prints the best time per file in seconds.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import warnings


def _quiet_airflow() -> None:
    home = tempfile.mkdtemp(prefix="mlopsc-airflow-home-")
    os.environ.setdefault("AIRFLOW_HOME", home)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
    os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "ERROR"
    warnings.simplefilter("ignore")


def _dagbag(folder: str):
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 3.0/3.1 keep it in airflow.models
        from airflow.models.dagbag import DagBag
    return DagBag(dag_folder=folder, include_examples=False, safe_mode=False)


def _seconds(delta):
    return None if delta is None else delta.total_seconds()


def _schedule(dag) -> dict:
    timetable = dag.timetable
    out = {"timetable": type(timetable).__name__, "summary": timetable.summary}
    cron = getattr(timetable, "_expression", None)
    inner = getattr(timetable, "timetable", None)  # AssetOrTimeSchedule wraps a timetable
    if cron is None and inner is not None:
        cron = getattr(inner, "_expression", None)
    out["cron"] = cron
    delta = getattr(timetable, "_delta", None)  # a timedelta schedule (watcher DAGs)
    out["every_s"] = _seconds(delta) if delta is not None else None
    assets = getattr(timetable, "asset_condition", None)
    out["assets"] = sorted([a.name, a.uri] for a in _leaves(assets)) if assets else []
    return out


def _timezone(timetable):
    """The time zone a cron timetable reads its expression in (None without a cron)."""
    zone = getattr(getattr(timetable, "timetable", timetable), "_timezone", None)
    return None if zone is None else str(zone.name)


def _leaves(condition):
    objects = getattr(condition, "objects", None)
    if objects is None:
        return [condition]
    return [leaf for item in objects for leaf in _leaves(item)]


def _env(task) -> list:
    out = []
    for var in task.env_vars or []:
        ref = var.value_from.secret_key_ref if var.value_from else None
        out.append({"name": var.name, "value": var.value,
                    "secret": [ref.name, ref.key] if ref else None})
    return out


def _assets(items) -> list:
    return sorted([a.name, a.uri] for a in items or [])


def _python_task(task) -> dict:
    """A watcher's @task (it runs in the worker): what it reads and emits, and its retries."""
    return {"kind": type(task).__name__, "upstream": sorted(task.upstream_task_ids),
            "inlets": _assets(task.inlets), "outlets": _assets(task.outlets),
            "retries": task.retries}


def _task(task, context) -> dict:
    if not hasattr(task, "container_resources"):
        return _python_task(task)
    # What the pod gets: every templated field rendered as the worker does before execute().
    task.render_template_fields(context)
    resources = task.container_resources
    return {
        "upstream": sorted(task.upstream_task_ids),
        "display_name": task.task_display_name,
        "doc_md": task.doc_md,
        "owner": task.owner,
        "retries": task.retries,
        "retry_delay": _seconds(task.retry_delay),
        "retry_exponential_backoff": task.retry_exponential_backoff,
        "max_retry_delay": _seconds(task.max_retry_delay),
        "execution_timeout": _seconds(task.execution_timeout),
        "image": task.image,
        "cmds": task.cmds,
        "arguments": task.arguments,
        "env": _env(task),
        "requests": (resources.requests or {}) if resources else {},
        "limits": (resources.limits or {}) if resources else {},
        "node_selector": task.node_selector,
        "security": task.container_security_context,
        "pod_security": task.security_context,
        "hostnetwork": task.hostnetwork,
        "namespace": task.namespace,
        "service_account": task.service_account_name,
        "pull_secrets": [ref.name for ref in task.image_pull_secrets or []],
        "tolerations": [_k8s(t) for t in task.tolerations or []],
        "volumes": [_k8s(v) for v in task.volumes or []],
        "volume_mounts": [_k8s(m) for m in task.volume_mounts or []],
        "affinity": _k8s(task.affinity) if task.affinity else None,
        "labels": task.labels,
    }


def _k8s(obj):
    """A kubernetes client model as the API would receive it (camelCase, no nulls)."""
    from kubernetes.client import ApiClient

    return ApiClient().sanitize_for_serialization(obj)


def _dag(dag) -> dict:
    params = dag.params.dump()
    context = {"params": params, "run_id": "RUN"}
    return {
        "file": os.path.basename(dag.fileloc),
        "schedule": _schedule(dag),
        "timezone": _timezone(dag.timetable),
        "tags": sorted(dag.tags),
        "doc_md": dag.doc_md,
        "params": params,
        "param_descriptions": {k: dag.params.get_param(k).description for k in dag.params},
        "param_types": {k: dag.params.get_param(k).schema.get("type") for k in dag.params},
        "dagrun_timeout": _seconds(dag.dagrun_timeout),
        "max_active_runs": dag.max_active_runs,
        "catchup": dag.catchup,
        "on_failure_callback": _callbacks(dag.on_failure_callback),
        "tasks": {task.task_id: _task(task, context) for task in dag.tasks},
    }


def _callbacks(callback) -> list:
    """The qualified names of a DAG's callbacks (one callable or a list)."""
    items = callback if isinstance(callback, list) else [callback] if callback else []
    return [f"{c.__module__}.{c.__qualname__}" for c in items]


def _import_times(folder: str, repeat: int) -> dict:
    import importlib.util

    names = sorted(name for name in os.listdir(folder) if name.endswith(".py"))
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeat):
        for name in names:  # files alternate, so load on a shared machine falls on each alike
            path = os.path.join(folder, name)
            spec = importlib.util.spec_from_file_location(f"mlopsc_timing_{i}", path)
            module = importlib.util.module_from_spec(spec)
            start = time.perf_counter()
            spec.loader.exec_module(module)
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def main(argv: list[str]) -> int:
    _quiet_airflow()
    folder = argv[1]
    if len(argv) > 3 and argv[2] == "--import-times":
        _dagbag(folder)  # warm: Airflow, the provider and kubernetes are imported once
        print(json.dumps(_import_times(folder, int(argv[3])), sort_keys=True))
        return 0
    bag = _dagbag(folder)
    result = {"import_errors": {os.path.basename(k): v for k, v in bag.import_errors.items()},
              "dags": {dag_id: _dag(dag) for dag_id, dag in sorted(bag.dags.items())}}
    print(json.dumps(result, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
