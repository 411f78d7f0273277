"""A pipeline's failure notice as its orchestrator will look the webhook up, at validate.

For Kubeflow the webhook is a Secret (its name a DNS-1123 subdomain, its key a Secret data
key); for Airflow an HTTP connection id, which must also be an environment variable's
suffix (``AIRFLOW_CONN_<ID>``) and a Python literal the DAG file carries. A name the store
would refuse would make the notice fail only when a run has already failed.
"""

from __future__ import annotations

import re
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_k8s_names import is_subdomain
from mlopsc.passes.check_names import invalid_name
from mlopsc.spec.pipelines import Pipeline

_SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]{1,253}\Z")
_CONN_ID = re.compile(r"[A-Za-z0-9_][-A-Za-z0-9_.]{0,249}\Z")


def check_notify(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    """E303 for a webhook name or Secret key the orchestrator's store cannot hold."""
    notice = pipeline.notify.on_failure if pipeline.notify else None
    if notice is None:
        return
    at = (*where, "notify", "on_failure")
    if not notice.webhook.isprintable() or not notice.secret_key.isprintable():
        return  # E330 reports control characters
    if pipeline.orchestrator == "kubeflow":
        if not is_subdomain(notice.webhook):
            invalid_name(bag, f"{_shown(notice.webhook)} is not a valid Kubernetes Secret "
                         "name", (*at, "webhook"), "lowercase letters, digits, '-' and '.', "
                         "e.g. ml-alerts-webhook")
        if not _SECRET_KEY.match(notice.secret_key):
            invalid_name(bag, f"{_shown(notice.secret_key)} is not a valid Secret key",
                         (*at, "secret_key"), "letters, digits, '-', '_' and '.', e.g. url")
    elif not _CONN_ID.match(notice.webhook):
        invalid_name(bag, f"{_shown(notice.webhook)} is not a usable Airflow connection id",
                     (*at, "webhook"), "letters, digits, '_', '-' and '.', e.g. "
                     "ml_alerts_webhook (defined as AIRFLOW_CONN_ML_ALERTS_WEBHOOK or in the "
                     "Airflow UI)")


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 70 else repr(text[:70]) + "..."
