"""The Airflow target: Airflow 3 DAG files rendered from templates shipped in the package.

This module declares the target; :mod:`.target` emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import GPU_NODE_LABEL, Setting, TargetDeclaration
from mlopsc.targets.airflow.codes import CODES

DECLARATION = TargetDeclaration(
    name="airflow",
    description="Airflow 3 DAG file per Airflow pipeline (KubernetesPodOperator)",
    emitter="mlopsc.targets.airflow.target:AirflowTarget",
    settings={
        "artifact-root": Setting("where step artifacts live in the pods (default "
                                 "/mlopsc/artifacts)", pattern=r"/[^\x00]*",
                                 expected="an absolute path"),
        "gpu-node-label": GPU_NODE_LABEL,
    },
    orchestrators=("airflow",),
    codes=CODES,
    docs="docs/targets/airflow.md",
)


def __getattr__(name: str) -> Any:
    """``AirflowTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "AirflowTarget":
        from mlopsc.targets.airflow.target import AirflowTarget
        return AirflowTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "AirflowTarget"]
