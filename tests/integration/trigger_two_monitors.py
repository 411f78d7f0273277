"""Run by the Airflow venv's python for test_trigger_per_monitor: two monitors' watcher DAGs
and the one retraining DAG both trigger; what each watcher emits and which runs the
scheduler's own code creates. Prints one JSON object.

    python trigger_two_monitors.py DAG_FOLDER RETRAINING_DAG_ID WATCHER_A WATCHER_B

Order: watcher A (its alert fires), the scheduler; watcher B (its alert fires too, A's
event is seconds old), the scheduler (the retraining DAG's max_active_runs=1 holds B's
queued event while A's run is queued); A's run finishes, the scheduler again; then both
watchers again in the same episodes.
"""

from __future__ import annotations

import json
import sys
import warnings

from trigger_airflow_run import _reserialize, _schedule, _watch


def _finish(retraining: str) -> None:
    """The retraining runs succeed (as the scheduler records a finished run)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState

    with create_session() as session:
        for run in session.query(DagRun).filter(DagRun.dag_id == retraining):
            run.state = DagRunState.SUCCESS


def main(folder: str, retraining: str, watcher_a: str, watcher_b: str) -> None:
    warnings.simplefilter("ignore")
    from airflow.models.dagbag import DagBag

    errors = _reserialize()
    bag = DagBag(dag_folder=folder, include_examples=False)
    a, b = bag.get_dag(watcher_a), bag.get_dag(watcher_b)
    first_a = _watch(a)
    after_a = _schedule(retraining)
    first_b = _watch(b)
    after_b = _schedule(retraining)
    _finish(retraining)
    after_finish = _schedule(retraining)
    again = {"a": _watch(a)["states"], "b": _watch(b)["states"]}
    print(json.dumps({"import_errors": {**errors, **bag.import_errors}, "first_a": first_a,
                      "after_a": after_a, "first_b": first_b, "after_b": after_b,
                      "after_finish": after_finish,
                      "again": again}, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:5])
