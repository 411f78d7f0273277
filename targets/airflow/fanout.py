"""Fan-out (a step's ``for_each``) as Airflow dynamic task mapping.

Airflow maps a task over a list known when the task is about to run: a literal, or the
XCom of an upstream task. The list here is a DAG param, which a run may override, so a
small ``@task`` (``<step>__items``) reads it from the run's params and returns one dict
per item, ``{"mlopsc.item": item}``; the step's ``KubernetesPodOperator`` is
``.partial(...)`` with every other field and ``.expand(params=<that task>)``. Airflow
merges each dict into the mapped task's params, so ``$(item)`` renders as
``params["mlopsc.item"]`` through the same Jinja templates as ``$(params.X)``: the item is
a value Jinja prints, never template source (``{{ }}`` in an item stays text).
``max_active_tis_per_dagrun`` is the ``parallelism``.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.targets.airflow.literals import airflow_id

ITEM_KEY = "mlopsc.item"
"""The params key of a mapped task's item: no spec parameter has a '.' in its name."""


def fanout_task(step: ir.Step) -> dict[str, Any] | None:
    """What the template needs to map ``step`` (``None`` when it does not fan out)."""
    if step.for_each is None:
        return None
    return {"task_id": airflow_id(step.name) + "__items",
            # Step variables start with "t_" (py_name): "f_" cannot clash with one.
            "var": "f_" + airflow_id(step.name).replace("-", "_").replace(".", "_"),
            "parameter": step.for_each.parameter, "key": ITEM_KEY,
            "parallelism": step.for_each.parallelism}
