"""Two monitors trigger one pipeline: each monitor's episode starts its own run, in both
orchestrators. The cooldown is per monitor: a run one monitor's alert started does not
hold back (and so, if the alert resolves within the cooldown, swallow) another monitor's
episode.

- Airflow: the generated retraining DAG and both watcher DAGs in a fresh AIRFLOW_HOME
  (sqlite, ``airflow db migrate``); ``dag.test()`` of each watcher against a loopback
  Prometheus alerts API, and the scheduler's own code that turns asset events into runs.
- KFP: the generated trigger program and config.json, run with python against the same
  alerts API and the loopback fake of KFP's run API of test_trigger_e2e.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import yaml
from test_airflow import airflow_python
from test_trigger_e2e import OPTIONS, PIPELINE, FakeKfp, _airflow_env, _flagship_ir, _serve

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.targets.airflow import AirflowTarget
from mlopsc.targets.kubeflow import KubeflowTarget

HERE = Path(__file__).parent
MONITORS = ("drift-a", "drift-b")


class Alerts(http.server.BaseHTTPRequestHandler):
    """Prometheus' ``/api/v1/alerts``: one firing alert per monitor in ``active``."""

    active: ClassVar[dict[str, str]] = {}  # monitor -> activeAt

    def do_GET(self) -> None:
        assert self.path == "/api/v1/alerts", self.path
        alerts = [{"state": "firing", "activeAt": at, "value": "1",
                   "labels": {"alertname": "FeatureDrift", "monitor": monitor}}
                  for monitor, at in sorted(Alerts.active.items())]
        body = json.dumps({"status": "success", "data": {"alerts": alerts}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _two_monitor_ir(orchestrator: str):
    """The flagship with its retraining pipeline triggered by two monitors' alerts."""
    flagship = _flagship_ir()
    triggers = tuple(ir.Trigger(type="drift", monitor=f"monitor:{m}") for m in MONITORS)
    pipelines = tuple(dataclasses.replace(p, orchestrator=orchestrator, triggers=triggers)
                      if p.name == PIPELINE else p for p in flagship.pipelines)
    return dataclasses.replace(flagship, pipelines=pipelines)


def test_airflow_each_monitor_starts_its_own_run(tmp_path):
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    migrate = subprocess.run([str(Path(airflow_python()).parent / "airflow"), "db", "migrate"],
                             env=_airflow_env(home, ""), capture_output=True, text=True,
                             check=False, timeout=600)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    watchers = [f"mlopsc-watch-{m}" for m in MONITORS]
    wanted = {f"dags/{PIPELINE}.py", *(f"dags/{w}.py" for w in watchers)}
    for artifact in AirflowTarget().emit(_two_monitor_ir("airflow"), OPTIONS, Diagnostics()):
        if artifact.path in wanted:
            (home / artifact.path).write_bytes(artifact.content)
    Alerts.active = {m: f"2026-03-0{i + 1}T10:00:00.123456789Z" for i, m in enumerate(MONITORS)}
    with _serve(Alerts) as port:
        env = {**_airflow_env(home, f"http://127.0.0.1:{port}"), "PYTHONPATH": str(HERE)}
        done = subprocess.run([airflow_python(), str(HERE / "trigger_two_monitors.py"),
                               str(home / "dags"), PIPELINE, *watchers], env=env,
                              capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["import_errors"] == {}
    assert found["first_a"]["states"] == {"watch": "success"}
    [run_a] = found["after_a"]
    assert [e["monitor"] for e in run_a["consumed"]] == ["drift-a"]
    # B's episode, seconds after A's event: emitted all the same (its own cooldown) ...
    assert found["first_b"]["states"] == {"watch": "success"}
    assert [e["extra"]["monitor"] for e in found["first_b"]["events"]] == list(MONITORS)
    assert found["first_b"]["queue"] == [PIPELINE]
    # ... which starts a second run: at once with room for it, here (max_active_runs=1)
    # once A's run has finished. The event waits in the queue, it is not dropped.
    assert [[e["monitor"] for e in r["consumed"]] for r in found["after_b"]] == [["drift-a"]]
    assert sorted([e["monitor"] for e in r["consumed"]] for r in found["after_finish"]) \
        == [["drift-a"], ["drift-b"]]
    assert found["again"] == {"a": {"watch": "skipped"}, "b": {"watch": "skipped"}}


def test_kfp_each_monitor_starts_its_own_run(tmp_path):
    artifacts = {a.path: a.content for a in KubeflowTarget().emit(
        _two_monitor_ir("kubeflow"), OPTIONS, Diagnostics())}
    docs = list(yaml.safe_load_all(artifacts[f"{PIPELINE}.trigger.yaml"]))
    [configmap] = [d for d in docs if d["kind"] == "ConfigMap"]
    config = json.loads(configmap["data"]["config.json"])
    assert config["monitors"] == list(MONITORS)
    for name, text in configmap["data"].items():
        (tmp_path / name).write_text(text)
    FakeKfp.runs = []
    Alerts.active = {"drift-a": "2026-03-01T10:00:00Z"}
    with _serve(Alerts) as prom, _serve(FakeKfp) as kfp:
        env = {**os.environ, "PROMETHEUS_URL": f"http://127.0.0.1:{prom}",
               "KFP_ENDPOINT": f"http://127.0.0.1:{kfp}",
               "KFP_TOKEN_PATH": str(tmp_path / "no-token")}

        def trigger() -> str:
            done = subprocess.run([sys.executable, str(tmp_path / "run_on_alert.py"),
                                   str(tmp_path / "config.json")], env=env,
                                  capture_output=True, text=True, check=False, timeout=60)
            assert done.returncode == 0, done.stderr
            return done.stdout

        trigger()
        assert [r["display_name"] for r in FakeKfp.runs] == [
            f"{PIPELINE} on alert drift-a since 2026-03-01T10:00:00Z"]
        # B fires a minute later: its own run, though A's run is within the cooldown.
        Alerts.active["drift-b"] = "2026-03-01T10:01:00Z"
        trigger()
        assert [r["display_name"] for r in FakeKfp.runs][1:] == [
            f"{PIPELINE} on alert drift-b since 2026-03-01T10:01:00Z"]
        # Both again in the same episodes, then A in a new episode within its cooldown.
        assert "already started a run" in trigger()
        Alerts.active["drift-a"] = "2026-03-01T10:30:00Z"
        assert "within the cooldown" in trigger()
        assert len(FakeKfp.runs) == 2
