"""The Airflow target: Airflow 3 DAG files rendered from templates shipped in the package."""

from mlopsc.targets.airflow.target import AirflowTarget

__all__ = ["AirflowTarget"]
