"""Conditions on step results as Airflow short-circuits.

A step with results pushes its XCom: the pod writes ``$(results.NAME)``, which is
``/airflow/xcom/return.json`` (one result per step, E211), and the KubernetesPodOperator
reads it as JSON through its sidecar. Airflow adds that sidecar without a security context,
so it would fail the restricted Pod Security Standard the step pods are built for: a
``KubernetesPodOperatorCallback`` gives it the restricted one before the pod is created
(``on_pod_manifest_created``, in sync and deferrable mode alike).

A step with ``when`` waits for a ``ShortCircuitOperator`` (task ``<step>.when``, a name no
step can have: steps are DNS-1123 labels) that runs after the producer and decides from its
XCom. With ``ignore_downstream_trigger_rules=True`` a false condition skips the step and
every task after it, as Kubeflow skips a ``dsl.If`` group: whatever trigger rule a later
task has. A value of the wrong type (the step wrote ``"true"`` for a boolean) fails the
short-circuit, and so the step, as Kubeflow's launcher fails a step whose output does not
parse. The compared value is a Python literal bound when the DAG file is parsed: Airflow
renders no template in it.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.targets.airflow.literals import airflow_id, py_name

XCOM_FILE = "/airflow/xcom/return.json"
"""Where a KubernetesPodOperator's pod writes its XCom (the sidecar reads it)."""


def fields(p: ir.Pipeline, step: ir.Step) -> dict[str, Any]:
    """The task's part: whether it pushes its XCom, and the short-circuit it waits for."""
    return {"xcom": bool(step.results), "gate": _gate(p, step)}


def dag_fields(p: ir.Pipeline) -> dict[str, bool]:
    """What the DAG file defines: the sidecar callback, the condition helper."""
    return {"xcom": any(step.results for step in p.steps),
            "gates": any(step.when for step in p.steps)}


def _gate(p: ir.Pipeline, step: ir.Step) -> dict[str, Any] | None:
    when = step.when
    if when is None:
        return None
    producer = next(s for s in p.steps if s.name == when.step)
    kind = next(r.type for r in producer.results if r.name == when.result)
    return {"var": "w" + py_name(step.name)[1:], "task_id": f"{airflow_id(step.name)}.when",
            "producer": airflow_id(producer.name), "producer_var": py_name(producer.name),
            "kind": kind, "value": when.value, "negate": when.negate}
