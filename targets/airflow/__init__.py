"""The Airflow target: Airflow 3 DAG files rendered from templates shipped in the package.

This module declares the target; :mod:`.target` emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import GPU_NODE_LABEL, ApplyStep, HowToApply, Setting, TargetDeclaration
from mlopsc.targets.airflow.codes import CODES

_DURATION = r"([1-9][0-9]{0,5}(s|m|h|d))+"

DECLARATION = TargetDeclaration(
    name="airflow",
    description="Airflow 3 DAG file per Airflow pipeline (KubernetesPodOperator), alert "
                "watcher DAGs",
    emitter="mlopsc.targets.airflow.target:AirflowTarget",
    settings={
        "artifact-root": Setting("where step artifacts live in the pods (default "
                                 "/mlopsc/artifacts)", pattern=r"/[A-Za-z0-9._/-]*",
                                 expected="an absolute path of letters, digits and . _ - / "
                                          "(no $, which Kubernetes expands in arguments)"),
        "gpu-node-label": GPU_NODE_LABEL,
        "prometheus-conn": Setting("the Airflow connection (HTTP) of the Prometheus the "
                                   "watcher DAGs ask (default mlopsc_prometheus)",
                                   pattern=r"[A-Za-z0-9_.-]{1,250}",
                                   expected="an Airflow connection id"),
        "trigger-cooldown": Setting("the least time between two asset events of one "
                                    "monitor's watcher (default 1h)", pattern=_DURATION,
                                    expected="a duration such as 30m or 1h"),
        "watch-interval": Setting("how often a watcher DAG asks Prometheus (default 1m)",
                                  pattern=_DURATION, expected="a duration such as 30s or 1m"),
    },
    orchestrators=("airflow",),
    codes=CODES,
    docs="docs/targets/airflow.md",
    apply=HowToApply(
        "Airflow 3 DAG files, dags/<pipeline>.py (and watcher DAGs that turn a firing alert "
        "into the asset event a retraining DAG schedules on). Copy them into the DAGs folder "
        "the DAG processor reads ([core] dags_folder, by default $AIRFLOW_HOME/dags; or ship "
        "them with git-sync); Airflow picks them up, no restart needed.",
        40,
        (ApplyStep("cp", 'cp {path} "${AIRFLOW_HOME:-$HOME/airflow}/dags/"', each="dags/*.py",
                   purpose="copy each DAG file into the DAGs folder"),
         ApplyStep("airflow", "airflow dags list-import-errors",
                   purpose="once the DAG processor has parsed them: files that failed to "
                           "import (none expected)"))),
)


def __getattr__(name: str) -> Any:
    """``AirflowTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "AirflowTarget":
        from mlopsc.targets.airflow.target import AirflowTarget
        return AirflowTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "AirflowTarget"]
