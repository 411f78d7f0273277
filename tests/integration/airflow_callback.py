"""Run by the Airflow venv's python: run a DAG's failure callbacks as the DAG processor does.

    python tests/integration/airflow_callback.py DAG_FOLDER DAG_ID RUN_ID REASON

Loads the folder with Airflow's DagBag and hands a ``DagCallbackRequest`` to the DAG
processor's own ``_execute_dag_callbacks`` (which logs, and does not raise, a callback's
error). Connections come from the environment (``AIRFLOW_CONN_<ID>``).
"""

from __future__ import annotations

import sys

from airflow_check import _dagbag, _quiet_airflow


def main(argv: list[str]) -> int:
    _quiet_airflow()
    import structlog
    from airflow.callbacks.callback_requests import DagCallbackRequest
    from airflow.dag_processing.processor import _execute_dag_callbacks

    folder, dag_id, run_id, reason = argv[1:5]
    bag = _dagbag(folder)
    assert not bag.import_errors, bag.import_errors
    request = DagCallbackRequest(filepath=bag.dags[dag_id].fileloc, bundle_name="dags",
                                 bundle_version=None, msg=reason, dag_id=dag_id,
                                 run_id=run_id, is_failure_callback=True)
    _execute_dag_callbacks(bag, request, structlog.get_logger())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
