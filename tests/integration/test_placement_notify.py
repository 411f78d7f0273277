"""Affinity and failure notices, in both orchestrators, checked in the real tools.

- Affinity: kfp reloads the IR and its kubernetes platform spec holds the node affinity
  (one required term, so the conditions AND; weighted preferred terms); Airflow's DagBag
  loads the DAG and the operator carries the ``V1Affinity`` (node affinity and the pod
  anti-affinity of a spread step, on the labels the task adds). ``validate`` reports a
  malformed condition (E303, E342) and a spread KFP would drop (E347) at the user's line.
- Failure notices: the KFP exit handler (the steps in its sub-DAG, the exit task fed the
  final status) and its program, run as the IR writes it, against a loopback webhook;
  Airflow's ``on_failure_callback`` run by the DAG processor's own callback code with a
  connection from ``AIRFLOW_CONN_<ID>``, posting to the same kind of loopback webhook.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_airflow import airflow_python
from test_kubeflow import reload
from test_pipelines_run import airflow_dag, outputs, run, spec

from mlopsc import api

HERE = Path(__file__).parent
HOSTILE = "x {{ run_id }} $(HOME) '\"\"\"\n} {% raw %} \\ ${X} ü"
AFFINITY = {
    "nodes": {
        "required": [
            {"key": "node.kubernetes.io/instance-type", "operator": "In",
             "values": ["g4dn.xlarge", "g5.xlarge"]},
            {"key": "spot", "operator": "DoesNotExist"}],
        "preferred": [
            {"weight": 50, "match": [{"key": "topology.kubernetes.io/zone",
                                      "values": ["eu-west-1a"]}]},
            {"weight": 10, "match": [{"key": "example.com/cores", "operator": "Gt",
                                      "values": ["8"]}]}]},
}
NOTIFY = {"on_failure": {"webhook": "ml-alerts", "message": HOSTILE}}


def with_affinity(document: dict, affinity: dict) -> dict:
    document["pipelines"]["train"]["steps"][1]["affinity"] = affinity
    return document


@contextmanager
def webhook() -> Iterator[tuple[str, list]]:
    """A loopback HTTP server that records every POST (path, headers, JSON body)."""
    received: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            received.append((self.path, self.headers.get("Content-Type"),
                             json.loads(self.rfile.read(length))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- affinity
@pytest.mark.integration
def test_kfp_node_affinity(tmp_path):
    result, codes = run(with_affinity(spec("kubeflow"), AFFINITY), tmp_path,
                        targets=("kubeflow",))
    assert not result.blocked(), codes
    k8s = reload(outputs(result)["kubeflow/train.yaml"], tmp_path)["k8s"]
    assert "nodeAffinity" not in k8s["exec-prepare"]
    assert k8s["exec-train"]["nodeAffinity"] == [
        {"matchExpressions": [
            {"key": "node.kubernetes.io/instance-type", "operator": "In",
             "values": ["g4dn.xlarge", "g5.xlarge"]},
            {"key": "spot", "operator": "DoesNotExist"}]},
        {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In",
                               "values": ["eu-west-1a"]}], "weight": 50.0},
        {"matchExpressions": [{"key": "example.com/cores", "operator": "Gt",
                               "values": ["8"]}], "weight": 10.0}]


@pytest.mark.integration
def test_airflow_affinity_and_spread(tmp_path):
    affinity = {**AFFINITY, "spread": {"topology_key": "topology.kubernetes.io/zone"}}
    document = with_affinity(spec("airflow", artifact_store={"pvc": "a"}), affinity)
    document["pipelines"]["train"]["steps"][0]["affinity"] = {
        "spread": {"required": True}}
    dag = airflow_dag(document, tmp_path)
    train, prepare = dag["tasks"]["train"], dag["tasks"]["prepare"]
    term = {"labelSelector": {"matchLabels": {"mlopsc.io/pipeline": "train",
                                              "mlopsc.io/step": "train"}},
            "topologyKey": "topology.kubernetes.io/zone"}
    assert train["affinity"] == {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [
                    {"key": "node.kubernetes.io/instance-type", "operator": "In",
                     "values": ["g4dn.xlarge", "g5.xlarge"]},
                    {"key": "spot", "operator": "DoesNotExist"}]}]},
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "preference": {"matchExpressions": [
                    {"key": "topology.kubernetes.io/zone", "operator": "In",
                     "values": ["eu-west-1a"]}]}},
                {"weight": 10, "preference": {"matchExpressions": [
                    {"key": "example.com/cores", "operator": "Gt", "values": ["8"]}]}}]},
        "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": term}]}}
    # The selector matches the labels the task puts on its own pods.
    assert train["labels"] == term["labelSelector"]["matchLabels"]
    assert prepare["affinity"] == {"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{
            "labelSelector": {"matchLabels": {"mlopsc.io/pipeline": "train",
                                              "mlopsc.io/step": "prepare"}},
            "topologyKey": "kubernetes.io/hostname"}]}}


@pytest.mark.parametrize(("orchestrator", "affinity", "code", "field", "needle"), [
    ("airflow", {"nodes": {"required": [{"key": "spot", "operator": "Exists",
                                          "values": ["x"]}]}},
     "E342", "nodes.required[0].values", "Exists takes no values"),
    ("kubeflow", {"nodes": {"required": [{"key": "pool", "operator": "NotIn"}]}},
     "E342", "nodes.required[0]", "NotIn needs at least one value"),
    ("kubeflow", {"nodes": {"preferred": [{"weight": 5, "match": [
        {"key": "cores", "operator": "Lt", "values": ["4", "8"]}]}]}},
     "E342", "nodes.preferred[0].match[0].values", "Lt takes exactly one integer"),
    ("airflow", {"nodes": {"required": [{"key": "cores", "operator": "Gt",
                                          "values": ["many"]}]}},
     "E342", "nodes.required[0].values", "Gt takes exactly one integer"),
    ("airflow", {"nodes": {"required": [{"key": "a/b/c", "values": ["x"]}]}},
     "E303", "nodes.required[0].key", "not a valid Kubernetes label key"),
    ("kubeflow", {"nodes": {"required": [{"key": "pool", "values": ["a' b\" $(X)"]}]}},
     "E303", "nodes.required[0].values[0]", "not a valid Kubernetes label value"),
    ("airflow", {"nodes": {"required": [{"key": "pool", "values": [HOSTILE]}]}},
     "E330", "nodes.required[0].values[0]", "line break"),
    ("kubeflow", {"nodes": {"required": [{"key": "pool", "values": ["{{x}}"]}]}},
     "E303", "nodes.required[0].values[0]", "not a valid Kubernetes label value"),
    ("airflow", {"spread": {"topology_key": "zone'); import os #"}},
     "E303", "spread.topology_key", "not a valid Kubernetes label key"),
    ("kubeflow", {"spread": {}}, "E347", "spread", "cannot keep a step's pods apart"),
])
def test_affinity_findings_at_validate(orchestrator, affinity, code, field, needle, tmp_path):
    document = with_affinity(spec(orchestrator, artifact_store={"pvc": "a"})
                             if orchestrator == "airflow" else spec(orchestrator), affinity)
    result, codes = run(document, tmp_path, command=api.validate)
    path = f"pipelines.train.steps[1].affinity.{field}"
    assert (code, path) in codes
    found = next(d for d in result.diagnostics if (d.code, d.path) == (code, path))
    assert needle in found.message and found.hint
    assert found.span is not None and found.span.line > 1
    compiled, _ = run(document, tmp_path, targets=(orchestrator,))
    assert compiled.blocked() and not compiled.artifacts


def test_valid_affinity_passes_validate(tmp_path):
    _, codes = run(with_affinity(spec("kubeflow"), AFFINITY), tmp_path, command=api.validate)
    assert not {c for c, _ in codes if c in ("E303", "E342", "E347")}


# ---------------------------------------------------------------- failure notices: KFP
@pytest.fixture(scope="module")
def kfp_notify(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kfp-notify")
    result, codes = run(spec("kubeflow", notify=NOTIFY), tmp, targets=("kubeflow",))
    assert not result.blocked(), codes
    return reload(outputs(result)["kubeflow/train.yaml"], tmp)


@pytest.mark.integration
def test_kfp_exit_handler_gets_the_final_status(kfp_notify):
    tasks = kfp_notify["tasks"]
    assert set(tasks) == {"exit-handler-1", "mlopsc-notify-on-failure"}
    group = kfp_notify["components"][tasks["exit-handler-1"]["componentRef"]["name"]]
    assert set(group["dag"]["tasks"]) == {"prepare", "train"}
    exit_task = tasks["mlopsc-notify-on-failure"]
    assert exit_task["dependentTasks"] == ["exit-handler-1"]
    assert exit_task["triggerPolicy"] == {"strategy": "ALL_UPSTREAM_TASKS_COMPLETED"}
    assert exit_task["inputs"]["parameters"]["status"] == {
        "taskFinalStatus": {"producerTask": "exit-handler-1"}}
    config = exit_task["inputs"]["parameters"]["config"]["runtimeValue"]["constant"]
    assert json.loads(base64.b64decode(config)) == {"message": HOSTILE, "pipeline": "train"}
    definition = kfp_notify["components"][exit_task["componentRef"]["name"]]
    assert definition["inputDefinitions"]["parameters"]["status"]["parameterType"] \
        == "TASK_FINAL_STATUS"
    k8s = kfp_notify["k8s"]["exec-mlopsc-notify-on-failure"]
    assert k8s["secretAsEnv"][0]["keyToEnv"] == [{"envVar": "MLOPSC_WEBHOOK_URL",
                                                  "secretKey": "url"}]
    assert k8s["secretAsEnv"][0]["secretName"] == "ml-alerts"
    assert k8s["securityContext"] == {"runAsNonRoot": True, "runAsUser": "65534"}


@pytest.mark.integration
def test_kfp_exit_program_posts_only_a_failed_run(kfp_notify):
    """The exit task's command and arguments as the IR has them, the launcher's
    placeholders replaced by a final status as KFP writes it."""
    exit_task = kfp_notify["tasks"]["mlopsc-notify-on-failure"]
    config = exit_task["inputs"]["parameters"]["config"]["runtimeValue"]["constant"]
    container = kfp_notify["executors"]["exec-mlopsc-notify-on-failure"]["container"]
    assert container["command"][:2] == ["python3", "-c"]
    assert all("{{" not in text and "$(" not in text for text in container["command"])
    values = {"status": None, "config": config}
    with webhook() as (address, received):
        env = {**os.environ, "MLOPSC_WEBHOOK_URL": f"http://{address}/hooks/kfp"}
        for state in ("SUCCEEDED", "CANCELED", "FAILED"):
            values["status"] = json.dumps({
                "state": state, "pipelineJobResourceName": "run-42",
                "pipelineTaskName": "exit-handler-1",
                "error": {"code": 2, "message": "step train failed"}})
            args = [values[a.split("'")[1]] for a in container["args"]]
            done = subprocess.run([sys.executable, *container["command"][1:], *args],
                                  check=False, env=env, capture_output=True, text=True,
                                  timeout=60)
            assert done.returncode == 0, done.stderr
    assert received == [("/hooks/kfp", "application/json", {
        "text": f"{HOSTILE} (run run-42: failed: step train failed)", "pipeline": "train",
        "run_id": "run-42", "status": "failed", "reason": "step train failed"})]


# ---------------------------------------------------------------- failure notices: Airflow
@pytest.mark.integration
def test_airflow_failure_callback_posts_to_the_connection(tmp_path):
    document = spec("airflow", artifact_store={"pvc": "a"},
                    notify={"on_failure": {"webhook": "ml_alerts", "message": HOSTILE}})
    dag = airflow_dag(document, tmp_path)  # writes tmp_path/dags/airflow/dags/train.py
    assert [name.rpartition(".")[2] for name in dag["on_failure_callback"]] \
        == ["notify_failure"]
    with webhook() as (address, received):
        env = {**os.environ, "AIRFLOW_CONN_ML_ALERTS": f"http://{address}/hooks/air%2Fflow",
               "PYTHONPATH": str(HERE)}
        folder = tmp_path / "dags" / "airflow" / "dags"
        done = subprocess.run(
            [airflow_python(), str(HERE / "airflow_callback.py"), str(folder), "train",
             "scheduled__2026-01-01T02:00:00+00:00", "task_failure"],
            check=False, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
    run_id = "scheduled__2026-01-01T02:00:00+00:00"
    assert received == [("/hooks/air/flow", "application/json", {
        "text": f"{HOSTILE} (run {run_id}: failed: task_failure)", "pipeline": "train",
        "run_id": run_id, "status": "failed", "reason": "task_failure"})]


@pytest.mark.parametrize(("orchestrator", "notice", "field"), [
    ("kubeflow", {"webhook": "ML_Alerts"}, "webhook"),
    ("kubeflow", {"webhook": "ml-alerts", "secret_key": "a/b"}, "secret_key"),
    ("airflow", {"webhook": "ml alerts'); import os #"}, "webhook"),
    ("airflow", {"webhook": "{{ conn }}"}, "webhook"),
])
def test_webhook_names_are_checked_at_validate(orchestrator, notice, field, tmp_path):
    extra = {"artifact_store": {"pvc": "a"}} if orchestrator == "airflow" else {}
    document = spec(orchestrator, notify={"on_failure": notice}, **extra)
    result, codes = run(document, tmp_path, command=api.validate)
    assert ("E303", f"pipelines.train.notify.on_failure.{field}") in codes
    found = next(d for d in result.diagnostics if d.code == "E303")
    assert found.span is not None and found.hint


# ---------------------------------------------------------------- injection
# As in test_airflow_injection / test_kubeflow_injection: the spec's own checks (which refuse
# these values) are left out; this is about what each target does with whatever reaches it.
def _hostile_affinity(text: str) -> dict:
    return {"nodes": {"required": [{"key": text, "operator": "In", "values": [text, "b"]}],
                      "preferred": [{"weight": 7, "match": [
                          {"key": "k", "operator": "NotIn", "values": [text]}]}]},
            "spread": {"topology_key": text}}


@pytest.mark.integration
def test_hostile_affinity_and_notice_reach_airflow_unchanged(tmp_path):
    from test_airflow import dagbag, write_dags
    from test_airflow_injection import NASTY as AIRFLOW_NASTY
    from test_airflow_injection import emit_target, hostile_spec

    spec_ = hostile_spec("airflow")
    pipeline = spec_["pipelines"]["hostile"]
    pipeline["steps"][0]["affinity"] = _hostile_affinity(AIRFLOW_NASTY)
    pipeline["notify"] = {"on_failure": {"webhook": AIRFLOW_NASTY, "message": AIRFLOW_NASTY}}
    artifacts, _ = emit_target(spec_, "airflow")
    write_dags(artifacts, tmp_path / "out")
    loaded = dagbag(tmp_path / "out" / "airflow" / "dags")
    assert loaded["import_errors"] == {}
    dag = loaded["dags"]["hostile"]
    affinity = dag["tasks"]["first"]["affinity"]
    required = affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert required["nodeSelectorTerms"][0]["matchExpressions"] == [
        {"key": AIRFLOW_NASTY, "operator": "In", "values": [AIRFLOW_NASTY, "b"]}]
    preferred = affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert preferred[0]["preference"]["matchExpressions"][0]["values"] == [AIRFLOW_NASTY]
    spread = affinity["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert spread[0]["podAffinityTerm"]["topologyKey"] == AIRFLOW_NASTY
    assert [n.rpartition(".")[2] for n in dag["on_failure_callback"]] == ["notify_failure"]


@pytest.mark.integration
def test_hostile_affinity_reaches_kfp_unchanged(tmp_path):
    from test_kubeflow_injection import NASTY as KFP_NASTY
    from test_kubeflow_injection import _variant, compile_spec

    affinity = _hostile_affinity(KFP_NASTY)
    del affinity["spread"]  # E347: refused by validate for Kubeflow

    def change(p):
        p["steps"][0]["affinity"] = affinity
        p["notify"] = {"on_failure": {"webhook": "hook", "message": KFP_NASTY}}

    artifacts, diagnostics = compile_spec(_variant(change))
    assert not [d for d in diagnostics if d[0].startswith("E")], diagnostics
    loaded = reload(artifacts["kubeflow/hostile.yaml"], tmp_path)
    assert loaded["k8s"]["exec-first"]["nodeAffinity"] == [
        {"matchExpressions": [{"key": KFP_NASTY, "operator": "In",
                               "values": [KFP_NASTY, "b"]}]},
        {"matchExpressions": [{"key": "k", "operator": "NotIn", "values": [KFP_NASTY]}],
         "weight": 7.0}]
    exit_task = loaded["tasks"]["mlopsc-notify-on-failure"]
    config = exit_task["inputs"]["parameters"]["config"]["runtimeValue"]["constant"]
    assert json.loads(base64.b64decode(config))["message"] == KFP_NASTY


@pytest.mark.parametrize(("change", "path"), [
    (lambda p: p["steps"][0].update(affinity={"nodes": {"required": [
        {"key": "pool", "values": ["{{workflow.name}}"]}]}}), "steps[0].affinity"),
    (lambda p: p["steps"][0].update(affinity={"nodes": {"preferred": [{"weight": 1, "match": [
        {"key": "{{=sprig.env('X')}}", "operator": "Exists"}]}]}}), "steps[0].affinity"),
    (lambda p: p.update(notify={"on_failure": {"webhook": "{{workflow.name}}"}}),
     "notify.on_failure"),
    (lambda p: p.update(notify={"on_failure": {"webhook": "h", "secret_key": "{{x}}"}}),
     "notify.on_failure"),
])
def test_text_argo_would_substitute_is_refused_by_the_kfp_target(change, path):
    from test_kubeflow_injection import _variant, compile_spec

    artifacts, diagnostics = compile_spec(_variant(change))
    assert [d for d in diagnostics if d[0] == "E518"] == [("E518", f"pipelines.hostile.{path}")]
    assert not [a for a in artifacts if a.startswith("kubeflow/hostile.")]


MAPPED = """
import json, sys, warnings
warnings.simplefilter("ignore")
from airflow.models.dagbag import DagBag
from kubernetes.client import ApiClient
bag = DagBag(dag_folder=sys.argv[1], include_examples=False)
task = bag.dags[sys.argv[2]].get_task(sys.argv[3])
kwargs = task.partial_kwargs
print(json.dumps({"errors": bag.import_errors, "kind": type(task).__name__,
                  "affinity": ApiClient().sanitize_for_serialization(kwargs["affinity"]),
                  "labels": kwargs["labels"]}))
"""


@pytest.mark.integration
def test_a_fanned_out_airflow_step_spreads_its_mapped_pods(tmp_path):
    """Every mapped instance of a fanned-out step gets the same labels and the pod
    anti-affinity on them: the instances keep apart (one per node, here required)."""
    from test_airflow import write_dags
    from test_fanout import outputs as fanout_outputs
    from test_fanout import run as fanout_run
    from test_fanout import spec as fanout_spec

    document = fanout_spec("airflow", affinity={"spread": {"required": True}})
    result, codes = fanout_run(document, tmp_path, targets=("airflow",))
    assert not result.blocked(), codes
    write_dags([a for a in result.artifacts if a.path.startswith("airflow/")], tmp_path)
    assert "airflow/dags/seg-train.py" in fanout_outputs(result)
    done = subprocess.run([airflow_python(), "-c", MAPPED, str(tmp_path / "airflow" / "dags"),
                           "seg-train", "train"], env={**os.environ, "AIRFLOW_HOME": str(
                               tmp_path / "home")}, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["errors"] == {} and found["kind"] == "MappedOperator"
    labels = {"mlopsc.io/pipeline": "seg-train", "mlopsc.io/step": "train"}
    assert found["labels"] == labels
    assert found["affinity"] == {"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{
            "labelSelector": {"matchLabels": labels},
            "topologyKey": "kubernetes.io/hostname"}]}}
