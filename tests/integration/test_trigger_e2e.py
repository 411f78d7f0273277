"""A drift alert that fires starts the retraining pipeline: real components on loopback.

- A real Prometheus (Debian's ``prometheus``, started here on 127.0.0.1) loads the flagship's
  generated monitor rules and scrapes a tiny exporter whose drift gauge then crosses the
  threshold. The rules are the generated ones with one change, made by this test: the
  monitor's ``for: 30m`` becomes ``for: 1s`` (the expression is the generated one, compared).
- Airflow: the flagship's retraining pipeline compiled for Airflow (its DAG schedules on the
  monitor's asset) and the generated watcher DAG, in a fresh AIRFLOW_HOME (sqlite,
  ``airflow db migrate``, ``airflow dags reserialize``). ``dag.test()`` of the watcher
  emits the asset event; the AssetDagRunQueue row for the retraining DAG is what the
  scheduler reads, and its own ``_create_dag_runs_asset_triggered`` then makes a queued
  asset-triggered DagRun that consumed the event: the retraining starts. A second
  ``dag.test()`` in the same episode emits nothing (cooldown).
- KFP: the program and config.json of the generated ``fraud-training.trigger.yaml``
  ConfigMap run with python against the same Prometheus and a loopback fake of KFP's
  v2beta1 run API, which records the created run: the uploaded pipeline's id and newest
  version, and the parameters under the IR's input names. Rerun in the same episode:
  nothing; a later episode within the cooldown: nothing; after the cooldown: a run.

Every wait is bounded, and the whole test by 420 s (``MLOPSC_E2E_BUDGET_S``): a guard
against a hang, not a speed target (it took 72-115 s on a loaded 2-core-share machine); the
processes it starts are stopped in ``finally`` blocks.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from conftest import ROOT
from test_airflow import airflow_python

from mlopsc import api
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import EmitOptions
from mlopsc.targets.airflow import AirflowTarget
from mlopsc.targets.kubeflow import KubeflowTarget
from mlopsc.targets.prometheus.target import PrometheusTarget

MONITOR = "scorer-feature-drift"
PIPELINE = "fraud-training"
WATCHER = f"mlopsc-watch-{MONITOR}"
HELPER = ROOT / "tests" / "integration" / "trigger_airflow_run.py"
OPTIONS = EmitOptions("0.0.0", "mlops.yaml")
# The whole test's bound, against hangs (speed belongs in benchmarks): MLOPSC_E2E_BUDGET_S.
BUDGET_S = float(os.environ.get("MLOPSC_E2E_BUDGET_S", "420"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _until(what: str, check, deadline: float):
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


@contextmanager
def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


class Exporter(http.server.BaseHTTPRequestHandler):
    """Serves the drift gauges of the monitor's rules; ``value`` is shared and settable."""

    series: ClassVar[list[str]] = []
    value = 0.0

    def do_GET(self) -> None:
        body = "".join(f"{s} {Exporter.value}\n" for s in Exporter.series).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class FakeKfp(http.server.BaseHTTPRequestHandler):
    """KFP's v2beta1 API as far as the trigger uses it: pipelines by display name, their
    versions newest first, runs filtered by display name (EQUALS, IS_SUBSTRING) newest
    first, and POST /runs, which records the run."""

    runs: ClassVar[list[dict]] = []
    pipelines: ClassVar[dict] = {"pipe-1": {"pipeline_id": "pipe-1", "display_name": PIPELINE}}
    versions: ClassVar[list[dict]] = [
        {"pipeline_version_id": "ver-1", "created_at": "2026-01-01T00:00:00Z"},
        {"pipeline_version_id": "ver-2", "created_at": "2026-02-01T00:00:00Z"}]

    def _answer(self, body: dict, code: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def _match(self, items: list[dict], query: dict) -> tuple[list[dict], str]:
        """KFP's list semantics: filter, newest first, one page and the next page's token."""
        for predicate in json.loads(query.get("filter", ['{"predicates": []}'])[0])["predicates"]:
            key, op, value = predicate["key"], predicate["operation"], predicate["string_value"]
            assert op in ("EQUALS", "IS_SUBSTRING"), op
            items = [i for i in items if (i.get(key) == value if op == "EQUALS"
                                          else value in i.get(key, ""))]
        assert query.get("sort_by") == ["created_at desc"], query
        items = sorted(items, key=lambda i: i["created_at"], reverse=True)
        start = int(query.get("page_token", ["0"])[0])
        end = start + int(query.get("page_size", ["20"])[0])
        return items[start:end], (str(end) if end < len(items) else "")

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/apis/v2beta1/pipelines":
            found = [dict(p, created_at="2026-01-01T00:00:00Z") for p in self.pipelines.values()]
            page, token = self._match(found, query)
            self._answer({"pipelines": page, "next_page_token": token})
        elif url.path == "/apis/v2beta1/pipelines/pipe-1/versions":
            page, token = self._match(self.versions, query)
            self._answer({"pipeline_versions": page, "next_page_token": token})
        elif url.path == "/apis/v2beta1/runs":
            page, token = self._match(FakeKfp.runs, query)
            self._answer({"runs": page, "next_page_token": token})
        else:
            self._answer({"error": f"no route {url.path}"}, 404)

    def do_POST(self) -> None:
        if self.path != "/apis/v2beta1/runs":
            self._answer({"error": "no route"}, 404)
            return
        run = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        run.update(run_id=f"run-{len(FakeKfp.runs) + 1}", state="PENDING",
                   created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        FakeKfp.runs.append(run)
        self._answer(run)

    def log_message(self, *args) -> None:
        pass


def _flagship_ir():
    result = api.validate(api.Options(spec=str(ROOT / "mlops.yaml")))
    assert result.ir is not None, [d.message for d in result.diagnostics]
    return result.ir


def _rules(ir_, folder: Path) -> list[dict]:
    """The generated rule file of the monitor's deployment, with ``for: 1s`` on its rules."""
    artifacts = {a.path: a.content for a in PrometheusTarget().emit(ir_, OPTIONS, Diagnostics())}
    generated = yaml.safe_load(artifacts["rules/monitors-fraud-scorer.yaml"])
    ours = [r for g in generated["groups"] for r in g["rules"]
            if r["labels"].get("monitor") == MONITOR]
    assert ours and all(r["for"] == "30m" for r in ours)
    for rule in ours:
        rule["for"] = "1s"  # the only change: the expression stays the generated one
    (folder / "rules.yaml").write_text(yaml.safe_dump(generated))
    return ours


@contextmanager
def _prometheus(folder: Path, exporter_port: int) -> Iterator[str]:
    port = _port()
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
              "rule_files": [str(folder / "rules.yaml")],
              "scrape_configs": [{"job_name": "drift", "static_configs": [
                  {"targets": [f"127.0.0.1:{exporter_port}"]}]}]}
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(
        ["prometheus", f"--config.file={folder / 'prometheus.yml'}",
         f"--storage.tsdb.path={folder / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _firing(url: str) -> list[dict]:
    try:
        alerts = _get(f"{url}/api/v1/alerts")["data"]["alerts"]
    except OSError:
        return []
    return [a for a in alerts if a["state"] == "firing" and a["labels"].get("monitor") == MONITOR]


def _scraped(url: str) -> bool:
    try:
        query = urllib.parse.quote('mlops_feature_drift_score{feature="amount_eur"}')
        return bool(_get(f"{url}/api/v1/query?query={query}")["data"]["result"])
    except OSError:
        return False


def test_drift_alert_starts_retraining(tmp_path):
    started = time.monotonic()
    deadline = started + BUDGET_S - 5
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    # The metadata database is made while Prometheus starts and the alert comes up.
    migrate = subprocess.Popen([str(Path(airflow_python()).parent / "airflow"), "db", "migrate"],
                               env=_airflow_env(home, ""), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        _scenario(tmp_path, home, migrate, deadline)
    finally:
        if migrate.poll() is None:
            migrate.kill()
        migrate.communicate()
    assert time.monotonic() - started < BUDGET_S


def _scenario(tmp_path: Path, home: Path, migrate: subprocess.Popen, deadline: float) -> None:
    ir_ = _flagship_ir()
    rules = _rules(ir_, tmp_path)
    Exporter.series = [r["expr"].rsplit(" > ", 1)[0] for r in rules]
    Exporter.value = 0.0
    threshold = max(float(r["expr"].rsplit(" > ", 1)[1]) for r in rules)
    with _serve(Exporter) as exporter_port, _prometheus(tmp_path, exporter_port) as prom:
        _until("the first scrape", lambda: _scraped(prom), deadline)
        time.sleep(1.5)  # an evaluation with the gauge below every threshold
        assert _firing(prom) == []
        Exporter.value = threshold + 0.5  # drift crosses the threshold
        firing = _until("the drift alert", lambda: _firing(prom), deadline)
        assert {a["labels"]["alertname"] for a in firing} == {"FeatureDrift"}
        _kubeflow(ir_, tmp_path / "kfp", prom, deadline)
        _, err = migrate.communicate(timeout=max(1, deadline - time.monotonic()))
        assert migrate.returncode == 0, err[-3000:]
        _airflow(ir_, home, prom, deadline)


def _airflow_env(home: Path, prom: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False",
               # Deployed retraining DAGs are switched on; a paused DAG queues no runs.
               AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="False",
               AIRFLOW__LOGGING__LOGGING_LEVEL="ERROR",
               AIRFLOW_CONN_MLOPSC_PROMETHEUS=prom)
    return env


def _airflow(ir_, home: Path, prom: str, deadline: float) -> None:
    pipelines = tuple(dataclasses.replace(p, orchestrator="airflow") if p.name == PIPELINE
                      else p for p in ir_.pipelines)
    airflow_ir = dataclasses.replace(ir_, pipelines=pipelines)
    for artifact in AirflowTarget().emit(airflow_ir, OPTIONS, Diagnostics()):
        if artifact.path in (f"dags/{PIPELINE}.py", f"dags/{WATCHER}.py"):
            (home / artifact.path).write_bytes(artifact.content)
    assert sorted(p.name for p in (home / "dags").iterdir()) == [f"{PIPELINE}.py",
                                                                 f"{WATCHER}.py"]
    python, env = airflow_python(), _airflow_env(home, prom)
    done = subprocess.run([python, str(HELPER), str(home / "dags"), WATCHER, PIPELINE,
                           f"mlopsc_watch_{MONITOR}"], env=env,
                          capture_output=True, text=True, check=False,
                          timeout=max(1, deadline - time.monotonic()))
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["import_errors"] == {}
    first, second = found["first"], found["second"]
    assert first["states"] == {"watch": "success"}
    [event] = first["events"]
    assert event["uri"] == f"mlopsc://monitors/{MONITOR}"
    assert event["source_dag_id"] == WATCHER
    assert event["extra"]["monitor"] == MONITOR and event["extra"]["alerts"] == ["FeatureDrift"]
    assert first["queue"] == [PIPELINE]  # the scheduler will create the retraining run
    # Same episode: skipped, no second event.
    assert second["states"] == {"watch": "skipped"}
    assert second["events"] == first["events"]
    [run] = found["runs"]
    assert run["run_type"] == "asset_triggered" and run["state"] == "queued"
    assert run["consumed"] == [event["extra"]]
    # Another episode emitted just now: within the cooldown, skipped (while the retraining
    # run above is still queued, not started: the watcher must not fail then either).
    assert found["cooling"]["states"] == {"watch": "skipped"}
    assert found["cooling"]["events"] == first["events"]
    # ... two hours ago: past the cooldown, a second event of the same episode's alert.
    assert found["cooled"]["states"] == {"watch": "success"}
    assert len(found["cooled"]["events"]) == 2


def _manifest(ir_) -> tuple[dict, str, str]:
    """The generated trigger's config.json and program, and the IR's parameter names."""
    artifacts = {a.path: a.content for a in KubeflowTarget().emit(ir_, OPTIONS, Diagnostics())}
    docs = list(yaml.safe_load_all(artifacts[f"{PIPELINE}.trigger.yaml"]))
    [configmap] = [d for d in docs if d["kind"] == "ConfigMap"]
    ir_doc = next(yaml.safe_load_all(artifacts[f"{PIPELINE}.yaml"]))
    names = ir_doc["root"]["inputDefinitions"]["parameters"]
    return configmap["data"], json.dumps(sorted(names)), ir_doc["pipelineInfo"]["name"]


def _kubeflow(ir_, folder: Path, prom: str, deadline: float) -> None:
    data, ir_names, ir_name = _manifest(ir_)
    folder.mkdir()
    for name, text in data.items():
        (folder / name).write_text(text)
    FakeKfp.runs = []
    with _serve(FakeKfp) as kfp_port:
        env = {"PATH": os.environ.get("PATH", ""), "PROMETHEUS_URL": prom,
               "KFP_ENDPOINT": f"http://127.0.0.1:{kfp_port}",
               "KFP_TOKEN_PATH": str(folder / "no-token")}

        def trigger() -> subprocess.CompletedProcess:
            done = subprocess.run([sys.executable, str(folder / "run_on_alert.py"),
                                   str(folder / "config.json")], env=env, capture_output=True,
                                  text=True, check=False,
                                  timeout=max(1, deadline - time.monotonic()))
            assert done.returncode == 0, done.stderr
            return done

        trigger()
        [run] = FakeKfp.runs
        assert run["pipeline_version_reference"] == {"pipeline_id": "pipe-1",
                                                     "pipeline_version_id": "ver-2"}
        assert ir_name == PIPELINE
        assert json.dumps(sorted(run["runtime_config"]["parameters"])) == ir_names
        assert run["runtime_config"]["parameters"] == {"learning_rate": 0.05, "max_depth": 6}
        assert MONITOR in run["display_name"]
        assert "already started" in trigger().stdout and len(FakeKfp.runs) == 1
        # A later episode (another display name) within the cooldown: still one run.
        run["display_name"] = run["display_name"].replace(" since ", " since earlier ")
        assert "within the cooldown" in trigger().stdout and len(FakeKfp.runs) == 1
        # After the cooldown: a second run.
        old = datetime.now(UTC) - timedelta(hours=2)
        run["created_at"] = old.strftime("%Y-%m-%dT%H:%M:%SZ")
        trigger()
        assert len(FakeKfp.runs) == 2


def test_trigger_manifests_validate():
    """The trigger's objects pass kubernetes-validate (strict), as the kubernetes target's do."""
    import kubernetes_validate
    from test_kubernetes_helpers import K8S_VERSION

    ir_ = _flagship_ir()
    artifacts = {a.path: a.content for a in KubeflowTarget().emit(ir_, OPTIONS, Diagnostics())}
    docs = list(yaml.safe_load_all(artifacts[f"{PIPELINE}.trigger.yaml"]))
    assert [d["kind"] for d in docs] == ["ServiceAccount", "Role", "RoleBinding", "ConfigMap",
                                         "CronJob"]
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises when invalid
    with pytest.raises(kubernetes_validate.ValidationError):
        docs[4]["spec"]["schedule_"] = docs[4]["spec"].pop("schedule")
        kubernetes_validate.validate(docs[4], K8S_VERSION, strict=True)
