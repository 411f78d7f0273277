"""Run by the Airflow venv's python: conditions of the DAG files in a folder, as Airflow
holds them, printed as JSON.

    python tests/integration/airflow_conditions_check.py DAG_FOLDER XCOM_VALUES_JSON

Loads the folder with Airflow's own DagBag and prints, per DAG: each task's operator class,
upstream ids, every task after it (``get_flat_relative_ids``, what a short-circuit with
``ignore_downstream_trigger_rules`` skips), ``do_xcom_push`` and that flag; for each
``ShortCircuitOperator``, the decision of its ``python_callable`` (called directly, with a
task instance whose ``xcom_pull`` returns the value) for each value of XCOM_VALUES_JSON
(a JSON list), ``true``/``false`` or the error it raised; for each task that pushes its
XCom, the pod spec the operator builds (``build_pod_request_obj``, with the XCom sidecar
Airflow adds) before and after its callbacks' ``on_pod_manifest_created``. The pod is built
offline: ``KUBECONFIG`` points at a config whose server is never contacted.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings


def _setup() -> None:
    home = tempfile.mkdtemp(prefix="mlopsc-airflow-home-")
    os.environ.setdefault("AIRFLOW_HOME", home)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
    os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "ERROR"
    config = os.path.join(home, "kubeconfig")
    with open(config, "w", encoding="utf-8") as stream:
        json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "none",
                   "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
                   "users": [{"name": "none", "user": {"token": "none"}}],
                   "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none",
                                                             "namespace": "ml"}}]}, stream)
    os.environ["KUBECONFIG"] = config
    warnings.simplefilter("ignore")


class _TaskInstance:
    """What the condition's callable reads: the producer's XCom."""

    def __init__(self, value) -> None:
        self.value = value
        self.asked: list = []

    def xcom_pull(self, task_ids=None, **_):
        self.asked.append(task_ids)
        return self.value


def _decisions(task, values: list) -> list:
    out = []
    for value in values:
        ti = _TaskInstance(value)
        try:
            decision = task.python_callable(ti=ti)
        except ValueError as error:  # the short-circuit task fails: reported as text
            decision = f"{type(error).__name__}: {error}"
        out.append({"xcom": value, "decision": decision, "asked": ti.asked})
    return out


def _pods(task) -> dict:
    from kubernetes.client import ApiClient

    pod = task.build_pod_request_obj()
    before = ApiClient().sanitize_for_serialization(pod)["spec"]
    callbacks = task.callbacks if isinstance(task.callbacks, list) else [task.callbacks]
    for callback in callbacks:
        callback.on_pod_manifest_created(pod_request=pod, client=None, mode="sync",
                                         operator=task, context=None)
    return {"before": before, "after": ApiClient().sanitize_for_serialization(pod)["spec"]}


def main(folder: str, values: list) -> dict:
    from airflow.models.dagbag import DagBag

    bag = DagBag(dag_folder=folder, include_examples=False, safe_mode=False)
    out: dict = {"import_errors": {os.path.basename(k): v for k, v in bag.import_errors.items()},
                 "dags": {}}
    for dag_id, dag in sorted(bag.dags.items()):
        tasks, gates, pods = {}, {}, {}
        for task in dag.tasks:
            kind = type(task).__name__
            tasks[task.task_id] = {
                "type": kind, "upstream": sorted(task.upstream_task_ids),
                "after": sorted(task.get_flat_relative_ids(upstream=False)),
                "do_xcom_push": bool(getattr(task, "do_xcom_push", False)),
                "ignore_downstream_trigger_rules":
                    getattr(task, "ignore_downstream_trigger_rules", None)}
            if kind == "ShortCircuitOperator":
                gates[task.task_id] = _decisions(task, values)
            if kind == "KubernetesPodOperator" and task.do_xcom_push:
                pods[task.task_id] = _pods(task)
        out["dags"][dag_id] = {"tasks": tasks, "gates": gates, "pods": pods}
    return out


if __name__ == "__main__":
    _setup()
    with open(sys.argv[2], encoding="utf-8") as stream:
        xcoms = json.load(stream)
    json.dump(main(sys.argv[1], xcoms), sys.stdout, sort_keys=True)
