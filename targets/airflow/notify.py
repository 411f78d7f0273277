"""A pipeline's failure notice as the DAG's ``on_failure_callback``.

The callback (``templates/notify.py.j2``) runs where Airflow runs DAG callbacks (the DAG
processor), looks the webhook's HTTP connection up (``Connection.get``: a connection from
the UI, a secrets backend or ``AIRFLOW_CONN_<ID>``) and POSTs JSON built with
``json.dumps`` from module constants: no spec string is rendered by Jinja or becomes code.
Only the standard library is used, so no HTTP provider needs to be installed.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir


def data(p: ir.Pipeline) -> dict[str, Any] | None:
    """What ``notify.py.j2`` needs, or None when the pipeline sends no notice."""
    notice = p.on_failure
    if notice is None:
        return None
    return {"conn_id": notice.webhook, "pipeline": p.name,
            "message": notice.message or f"pipeline {p.name} failed"}
