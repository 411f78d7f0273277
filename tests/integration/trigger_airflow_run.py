"""Run by the Airflow venv's python for test_trigger_e2e: test a watcher DAG, then ask the
metadata database (sqlite, AIRFLOW_HOME) what it caused. Prints one JSON object.

    python trigger_airflow_run.py DAG_FOLDER WATCHER_DAG_ID RETRAINING_DAG_ID STATE_VARIABLE

Steps: the DAG files serialized into the database, as ``airflow dags reserialize`` does
(in this process: one interpreter start less); ``dag.test()`` of the watcher twice (the
same alert episode both times), the asset events and AssetDagRunQueue rows after each,
then the scheduler's own code that turns queued asset events into DagRuns
(``SchedulerJobRunner._create_dag_runs_asset_triggered``, fed by
``DagModel.dags_needing_dagruns``, as one scheduler loop does) and the retraining DAG's
runs it created. Then the cooldown: the watcher's state says another episode emitted just
now (third test: nothing), then two hours ago (fourth test: a second event).
"""

from __future__ import annotations

import json
import sys
import warnings
from datetime import UTC


def _events(session) -> list[dict]:
    from airflow.models.asset import AssetEvent

    return [{"uri": e.asset.uri, "extra": e.extra, "source_dag_id": e.source_dag_id}
            for e in session.query(AssetEvent).order_by(AssetEvent.id)]


def _queue(session) -> list[str]:
    from airflow.models.asset import AssetDagRunQueue

    return sorted(r.target_dag_id for r in session.query(AssetDagRunQueue))


def _watch(dag) -> dict:
    from airflow.utils.session import create_session

    run = dag.test()
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    with create_session() as session:
        return {"states": states, "events": _events(session), "queue": _queue(session)}


def _schedule(retraining: str) -> list[dict]:
    import airflow.models  # noqa: F401 - the scheduler module imports models first
    from airflow.jobs.job import Job
    from airflow.jobs.scheduler_job_runner import SchedulerJobRunner
    from airflow.models.dag import DagModel
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        query, triggered = DagModel.dags_needing_dagruns(session)
        models = [m for m in query.all() if m.dag_id in triggered]
        SchedulerJobRunner(job=Job(), num_runs=1)._create_dag_runs_asset_triggered(
            dag_models=models, triggered_date_by_dag=triggered, session=session)
        session.flush()
        return [{"run_type": str(r.run_type), "state": str(r.state),
                 "consumed": [e.extra for e in r.consumed_asset_events]}
                for r in session.query(DagRun).filter(DagRun.dag_id == retraining)]


def _reserialize() -> dict:
    """``airflow dags reserialize``'s steps: bundles, then each bundle's DAGs, into the DB."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.models.dagbag import BundleDagBag, sync_bag_to_db
    from airflow.utils.session import create_session

    errors = {}
    with create_session() as session:
        manager = DagBundlesManager()
        manager.sync_bundles_to_db(session=session)
        session.commit()
        for bundle in manager.get_all_dag_bundles():
            bundle.initialize()
            bag = BundleDagBag(bundle.path, bundle_path=bundle.path)
            errors.update(bag.import_errors)
            sync_bag_to_db(bag, bundle.name, bundle_version=bundle.get_current_version(),
                           session=session)
    return errors


def _remember(key: str, hours_ago: float) -> None:
    """The watcher's state as if another episode had emitted ``hours_ago``."""
    from datetime import datetime, timedelta

    from airflow.models.variable import Variable

    at = datetime.now(UTC) - timedelta(hours=hours_ago)
    Variable.set(key, json.dumps({"episode": "another", "at": at.isoformat()}))


def main(folder: str, watcher: str, retraining: str, state: str) -> None:
    warnings.simplefilter("ignore")
    from airflow.models.dagbag import DagBag

    errors = _reserialize()
    bag = DagBag(dag_folder=folder, include_examples=False)
    dag = bag.get_dag(watcher)
    first = _watch(dag)
    second = _watch(dag)
    runs = _schedule(retraining)
    _remember(state, 0)
    cooling = _watch(dag)
    _remember(state, 2)
    cooled = _watch(dag)
    print(json.dumps({"import_errors": {**errors, **bag.import_errors}, "first": first,
                      "second": second, "runs": runs, "cooling": cooling, "cooled": cooled},
                     default=str))


if __name__ == "__main__":
    main(*sys.argv[1:5])
