"""Run by the Airflow venv's python for test_fanout: run a fanned-out DAG with ``dag.test()``
in a fresh AIRFLOW_HOME (sqlite, migrated by the test) and print, as JSON, its task
instances and the arguments Airflow rendered for each mapped instance.

    python fanout_airflow_run.py DAG_FOLDER DAG_ID [RUN_CONF_JSON]

The step pods cannot start (no cluster: each mapped ``KubernetesPodOperator`` fails when it
loads its kube config), but the items task runs, Airflow expands the mapped task from its
XCom, renders every instance's templated fields and stores them
(``RenderedTaskInstanceFields``) before ``execute``: what each pod would have been given.
"""

from __future__ import annotations

import json
import sys
import warnings


def main(folder: str, dag_id: str, conf: str | None) -> None:
    warnings.simplefilter("ignore")
    from airflow.models.dagbag import DagBag
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.utils.session import create_session

    bag = DagBag(dag_folder=folder, include_examples=False)
    dag = bag.get_dag(dag_id)
    mapped = {task.task_id: _mapped(task) for task in dag.tasks
              if type(task).__name__ == "MappedOperator"}
    schema = {k: dag.params.get_param(k).schema for k in dag.params}
    run = dag.test(run_conf=json.loads(conf) if conf else None)
    with create_session() as session:
        instances = sorted([ti.task_id, ti.map_index, str(ti.state)]
                           for ti in run.get_task_instances(session=session))
        rendered = sorted([r.task_id, r.map_index, r.rendered_fields.get("arguments")]
                          for r in session.query(RenderedTaskInstanceFields)
                          .filter(RenderedTaskInstanceFields.run_id == run.run_id))
    print(json.dumps({"import_errors": bag.import_errors, "mapped": mapped, "schema": schema,
                      "instances": instances, "rendered": rendered}, default=str))


def _mapped(task) -> dict:
    """A mapped operator as the DAG object holds it: what it expands and over what."""
    expand = task.expand_input
    return {"operator": task.operator_class.__name__ if hasattr(task.operator_class, "__name__")
            else str(task.operator_class),
            "expand_input": type(expand).__name__,
            "expands": {key: {"kind": type(value).__name__,
                              "from_task": getattr(getattr(value, "operator", None),
                                                   "task_id", None)}
                        for key, value in expand.value.items()},
            "max_active_tis_per_dagrun": task.max_active_tis_per_dagrun,
            "upstream": sorted(task.upstream_task_ids),
            "partial_arguments": task.partial_kwargs.get("arguments")}


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
