"""Start a KFP run when a monitor's alert fires: the program of the generated trigger CronJob.

The Kubeflow target copies this file, as it is, into the ConfigMap of
``<pipeline>.trigger.yaml``; the CronJob runs it with a plain Python 3.11+ (standard
library only) every minute::

    python /etc/mlopsc-trigger/run_on_alert.py /etc/mlopsc-trigger/config.json

``config.json`` (written by mlopsc) names the pipeline, the monitors whose alerts start it,
the run's parameters (the IR's names) and the cooldown. The environment gives the
endpoints: ``PROMETHEUS_URL``, ``KFP_ENDPOINT`` (the ml-pipeline API server), and
optionally ``KFP_PIPELINE_ID`` / ``KFP_PIPELINE_VERSION_ID`` (else the pipeline uploaded
under the pipeline's name and its newest version), ``KFP_EXPERIMENT_ID`` and
``KFP_TOKEN_PATH`` (a service-account token for a multi-user KFP; default
``/var/run/secrets/kubeflow/pipelines/token`` when that file exists).

One alert episode (the monitor's firing alerts, named by their earliest ``activeAt``)
starts one run: the run's display name carries the episode, and KFP's run list is the
memory. The cooldown is per monitor, as in the Airflow watcher: no run starts for a
monitor while the last run that monitor's alert started is younger than the cooldown, and
another monitor's episode is not held back by it. Exit status: 0 when nothing was to do
or a run was created, 1 on an error.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

TIMEOUT_S = 30
TOKEN_PATH = "/var/run/secrets/kubeflow/pipelines/token"
PAGE_SIZE = 50
MAX_PAGES = 20


def instant(text: str) -> datetime:
    """An RFC 3339 time as Prometheus and KFP write it (nanoseconds, ``Z``).

    >>> instant("2026-01-02T03:04:05.123456789Z").isoformat()
    '2026-01-02T03:04:05.123456+00:00'
    """
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))
    return datetime.fromisoformat(text)


def _call(url: str, body: dict[str, Any] | None = None,
          token: str | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        answer: dict[str, Any] = json.load(response)
    return answer


def firing(prometheus: str, monitor: str) -> list[dict[str, Any]]:
    """The firing alerts whose ``monitor`` label is ``monitor`` (``/api/v1/alerts``)."""
    body = _call(prometheus.rstrip("/") + "/api/v1/alerts")
    if body.get("status") != "success":
        raise RuntimeError(f"Prometheus answered {body.get('status')!r}: {body.get('error')!r}")
    return [a for a in body["data"]["alerts"]
            if a.get("state") == "firing" and a.get("labels", {}).get("monitor") == monitor]


class Kfp:
    """The few calls of KFP's ``v2beta1`` REST API this program makes."""

    def __init__(self, endpoint: str, namespace: str | None, token: str | None) -> None:
        self.base = endpoint.rstrip("/") + "/apis/v2beta1"
        self.namespace = namespace
        self.token = token

    def _list(self, path: str, field: str, predicate: dict[str, str] | None,
              page_size: int = 1, page_token: str = "") -> tuple[list[dict[str, Any]], str]:
        """One page of a list call, newest first (``sort_by=created_at desc``), and the
        token of the next page ("" after the last)."""
        query = {"sort_by": "created_at desc", "page_size": str(page_size)}
        if page_token:
            query["page_token"] = page_token
        if predicate is not None:
            query["filter"] = json.dumps({"predicates": [predicate]})
        if self.namespace:
            query["namespace"] = self.namespace
        body = _call(f"{self.base}/{path}?{urllib.parse.urlencode(query)}", token=self.token)
        items: list[dict[str, Any]] = body.get(field) or []
        return items, str(body.get("next_page_token") or "")

    def last_run(self, display_name: str, operation: str = "EQUALS") -> dict[str, Any] | None:
        """The newest run whose display name equals (or starts with) ``display_name``.

        KFP filters by substring only, so `new-fraud-training on alert ...` matches the
        prefix `fraud-training on alert ` too: the runs are filtered again here, by prefix,
        page after page, so newer runs of another pipeline cannot hide this pipeline's
        last run (and with it the cooldown). Past ``MAX_PAGES`` pages it gives up with an
        error rather than start a run it cannot prove is outside the cooldown."""
        predicate = {"key": "display_name", "operation": operation,
                     "string_value": display_name}
        token = ""
        for _ in range(MAX_PAGES):
            runs, token = self._list("runs", "runs", predicate, PAGE_SIZE, token)
            for run in runs:
                if str(run.get("display_name", "")).startswith(display_name):
                    return run
            if not token:
                return None
        raise RuntimeError(f"more than {MAX_PAGES * PAGE_SIZE} newer runs hold "
                           f"{display_name!r} without starting with it; cannot tell the "
                           "cooldown, so no run is started")

    def version(self, pipeline: str) -> tuple[str, str]:
        """(pipeline id, newest version id) of the pipeline uploaded as ``pipeline``."""
        found, _ = self._list("pipelines", "pipelines", {
            "key": "display_name", "operation": "EQUALS", "string_value": pipeline})
        if not found:
            raise RuntimeError(f"no pipeline named {pipeline!r} is uploaded to KFP")
        pipeline_id = str(found[0]["pipeline_id"])
        path = f"pipelines/{urllib.parse.quote(pipeline_id, safe='')}/versions"
        versions, _ = self._list(path, "pipeline_versions", None)
        if not versions:
            raise RuntimeError(f"pipeline {pipeline!r} has no version")
        return pipeline_id, str(versions[0]["pipeline_version_id"])

    def create_run(self, body: dict[str, Any]) -> dict[str, Any]:
        return _call(f"{self.base}/runs", body, token=self.token)


def _token() -> str | None:
    path = os.environ.get("KFP_TOKEN_PATH", TOKEN_PATH)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    return None


def run_body(config: dict[str, Any], name: str, version: tuple[str, str],
             episode: str, monitor: str) -> dict[str, Any]:
    """The ``v2beta1`` Run to create for one episode."""
    body: dict[str, Any] = {
        "display_name": name,
        "description": f"started by mlopsc: alert of monitor {monitor} firing since {episode}",
        "pipeline_version_reference": {"pipeline_id": version[0],
                                       "pipeline_version_id": version[1]},
        "runtime_config": {"parameters": config["parameters"]},
    }
    if config.get("service_account"):
        body["service_account"] = config["service_account"]
    if os.environ.get("KFP_EXPERIMENT_ID"):
        body["experiment_id"] = os.environ["KFP_EXPERIMENT_ID"]
    return body


def check(config: dict[str, Any], kfp: Kfp, prometheus: str,
          now: datetime) -> dict[str, Any] | None:
    """Create the run one firing monitor asks for; the created run, or None."""
    prefix = f"{config['pipeline']} on alert "
    for monitor in config["monitors"]:
        alerts = firing(prometheus, monitor)
        if not alerts:
            continue
        episode = min((str(a["activeAt"]) for a in alerts), key=instant)
        name = f"{prefix}{monitor} since {episode}"
        if kfp.last_run(name) is not None:
            print(f"monitor {monitor}: episode {episode} already started a run")
            continue
        # This monitor's runs only: a run another monitor started does not hold it back.
        last = kfp.last_run(f"{prefix}{monitor} since ", "IS_SUBSTRING")
        age = now - instant(str(last["created_at"])) if last is not None else None
        if age is not None and age.total_seconds() < config["cooldown_s"]:
            print(f"monitor {monitor}: last run {age} ago, within the cooldown")
            continue
        version = ((os.environ["KFP_PIPELINE_ID"], os.environ["KFP_PIPELINE_VERSION_ID"])
                   if os.environ.get("KFP_PIPELINE_VERSION_ID")
                   else kfp.version(config["pipeline"]))
        run = kfp.create_run(run_body(config, name, version, episode, monitor))
        print(f"monitor {monitor}: created run {run.get('run_id')} ({name})")
        return run
    return None


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    kfp = Kfp(os.environ["KFP_ENDPOINT"], config.get("namespace"), _token())
    try:
        check(config, kfp, os.environ["PROMETHEUS_URL"], datetime.now(UTC))
    except (OSError, RuntimeError, KeyError, ValueError) as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
