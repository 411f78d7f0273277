"""Airflow target: every generated DAG loads in Airflow's own DagBag (separate venv) and its
task graph, schedule and retries equal the spec's; diagnostics.

The venv comes from scripts/airflow-venv.sh through MLOPSC_AIRFLOW_PYTHON (scripts/test.sh
sets it). Without it these tests FAIL: CI must never skip them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, compilable_specs, example_id, example_specs
from test_kubeflow import coverage_ir

from mlopsc import api
from mlopsc.diagnostics import Diagnostics
from mlopsc.render.gpu import GKE_TO_PRODUCT
from mlopsc.target import EmitOptions
from mlopsc.targets.airflow import AirflowTarget

CHECK = ROOT / "tests" / "integration" / "airflow_check.py"
OPTIONS = EmitOptions("0.0.0", "mlops.yaml")


def airflow_python() -> str:
    path = os.environ.get("MLOPSC_AIRFLOW_PYTHON")
    if not path:
        pytest.fail("MLOPSC_AIRFLOW_PYTHON is not set: run the tests through scripts/test.sh, or "
                    "export MLOPSC_AIRFLOW_PYTHON=$(bash scripts/airflow-venv.sh)")
    if not os.access(path, os.X_OK):
        pytest.fail(f"MLOPSC_AIRFLOW_PYTHON={path} is not an executable python: "
                    "rebuild the venv with bash scripts/airflow-venv.sh")
    return path


def dagbag(folder: Path) -> dict:
    """Load every DAG file in ``folder`` with Airflow's DagBag; the check script's JSON."""
    run = subprocess.run([airflow_python(), str(CHECK), str(folder)], capture_output=True,
                         text=True, timeout=300, cwd=folder, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def write_dags(artifacts, folder: Path) -> None:
    for artifact in artifacts:
        (folder / artifact.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / artifact.path).write_bytes(artifact.content)


def as_airflow(ir_):
    """The IR with every pipeline moved to Airflow (covers artifacts, GPUs, parameters)."""
    pipelines = tuple(dataclasses.replace(p, orchestrator="airflow") for p in ir_.pipelines)
    return dataclasses.replace(ir_, pipelines=pipelines)


def compiled_irs():
    out = []
    for spec in example_specs():
        result = api.validate(api.Options(spec=str(spec)))
        assert result.ir is not None, [d.message for d in result.diagnostics]
        out.append((example_id(spec), result.ir))
    return [*out, ("coverage", coverage_ir("airflow"))]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Every pipeline of every example and of the coverage spec compiled for Airflow, loaded
    in one DagBag."""
    folder = tmp_path_factory.mktemp("dags")
    pipelines = {}
    for name, compiled in compiled_irs():
        ir_ = as_airflow(compiled)
        artifacts = AirflowTarget().emit(ir_, OPTIONS, Diagnostics())
        sub = folder / name
        write_dags(artifacts, sub)
        for p in ir_.pipelines:
            pipelines[p.name] = (p, ir_)
    return dagbag(folder), pipelines


@pytest.mark.integration
def test_no_import_errors(loaded):
    result, pipelines = loaded
    assert result["import_errors"] == {}
    watchers = {f"mlopsc-watch-{t.monitor.partition(':')[2]}" for p, _ in pipelines.values()
                for t in p.triggers if t.type in ("drift", "performance")}
    assert sorted(result["dags"]) == sorted([*pipelines, *watchers])
    assert {"fraud-features", "coverage"} <= set(pipelines)
    assert "mlopsc-watch-scorer-feature-drift" in watchers


@pytest.mark.integration
def test_watchers_emit_what_dags_wait_for(loaded):
    """Every monitor asset a DAG schedules on is the outlet of one watcher DAG, whose one
    task is a @task in the worker, without retries, and which runs every minute without
    catchup."""
    result, _ = loaded
    waited = {tuple(a) for dag in result["dags"].values() for a in dag["schedule"]["assets"]
              if a[1].startswith("mlopsc://monitors/")}
    emitted = {}
    for dag_id, dag in result["dags"].items():
        if not dag_id.startswith("mlopsc-watch-"):
            continue
        [task] = dag["tasks"].values()
        assert task["kind"] == "_PythonDecoratedOperator" and task["retries"] == 0
        assert task["inlets"] == [] and len(task["outlets"]) == 1
        assert dag["schedule"]["every_s"] == 60 and dag["catchup"] is False
        assert dag["max_active_runs"] == 1
        emitted[dag_id] = tuple(task["outlets"][0])
    assert waited and waited == set(emitted.values())
    for dag_id, (name, uri) in emitted.items():
        monitor = dag_id.removeprefix("mlopsc-watch-")
        assert (name, uri) == (f"monitor-{monitor}", f"mlopsc://monitors/{monitor}")


ASPECTS = ["graph", "schedule", "retries", "containers", "arguments", "kubernetes", "names",
           "dag-settings", "params"]


@pytest.mark.integration
@pytest.mark.parametrize("aspect", ASPECTS)
def test_dags_equal_spec(loaded, aspect):
    result, pipelines = loaded
    for name, (p, ir_) in pipelines.items():
        dag = result["dags"][name]
        assert CHECKS[aspect](p, ir_, dag) == CHECKS[aspect](p, ir_, None), (name, aspect)


def _graph(p, ir_, dag):
    if dag is None:
        return {s.name: sorted(s.upstream) for s in p.steps}
    return {task_id: task["upstream"] for task_id, task in dag["tasks"].items()}


def _schedule(p, ir_, dag):
    if dag is None:
        return p.schedule, sorted(_asset(ir_, t) for t in p.triggers if t.type != "manual")
    return dag["schedule"]["cron"], dag["schedule"]["assets"]


def _asset(ir_, trigger):
    """A dataset's URI when its location is one (Airflow drops a trailing slash)."""
    name = (trigger.dataset or trigger.monitor).partition(":")[2]
    if trigger.type != "data_change":
        return [f"monitor-{name}", f"mlopsc://monitors/{name}"]
    location = ir_.get(trigger.dataset).location or ""
    return [name, location.rstrip("/") if "://" in location else f"mlopsc://datasets/{name}"]


def _retries(p, ir_, dag):
    if dag is None:
        return {s.name: _spec_retry(s.retry) + (s.timeout_s,) for s in p.steps}
    return {k: (t["retries"], t["retry_delay"], t["retry_exponential_backoff"],
                t["max_retry_delay"], t["execution_timeout"])
            for k, t in dag["tasks"].items()}


def _spec_retry(r):
    """Airflow's defaults without retries: none, 300 s; delays double only for a factor > 1;
    the first delay stays within max_backoff."""
    if r is None:
        return 0, 300.0, False, None
    delay = 300.0 if r.backoff_s is None else r.backoff_s
    if r.backoff_s is not None and r.max_backoff_s is not None:
        delay = min(delay, r.max_backoff_s)
    return r.limit, delay, bool(r.backoff_factor and r.backoff_factor > 1), r.max_backoff_s


def _containers(p, ir_, dag):
    if dag is None:
        return {s.name: (s.image, list(s.command),
                         [[e.name, e.value, [e.secret, e.secret_key] if e.secret else None]
                          for e in s.env]) for s in p.steps}
    return {k: (t["image"], t["cmds"],
                [[e["name"], e["value"], e["secret"]] for e in t["env"]])
            for k, t in dag["tasks"].items()}


def _arguments(p, ir_, dag):
    """Arguments as a run with the default params and run id RUN gets them."""
    if dag is not None:
        return {k: t["arguments"] for k, t in dag["tasks"].items()}
    params = {x.name: x for x in p.parameters}
    out = {}
    for s in p.steps:
        producers = {i.name: (i.step, i.output) for i in s.inputs}

        def value(match, s=s, producers=producers):
            group, name = match.groups()
            if group == "params":
                x = params[name]
                return json.dumps(x.default) if x.type == "boolean" else str(x.default)
            step, output = producers[name] if group == "inputs" else (s.name, name)
            return f"/mlopsc/artifacts/{p.name}/RUN/{step}/{output}"
        out[s.name] = [re.sub(r"\$\((params|inputs|outputs)\.([A-Za-z0-9_-]+)\)", value, a)
                       for a in s.args]
    return out


def _kubernetes(p, ir_, dag):
    if dag is not None:
        keys = ("requests", "limits", "node_selector", "security", "pod_security",
                "hostnetwork")
        return {k: {key: t[key] for key in keys} for k, t in dag["tasks"].items()}
    out = {}
    for s in p.steps:
        r, sec = s.resources, s.security
        requests = {"cpu": r and r.cpu, "memory": r and r.memory}
        limits = {"cpu": r and r.cpu_limit, "memory": r and (r.memory_limit or r.memory),
                  "nvidia.com/gpu": str(r.gpu_count) if r and r.gpu_count else None}
        selector = dict(s.node_selector)
        if r and r.gpu_type:
            selector["nvidia.com/gpu.product"] = GKE_TO_PRODUCT.get(r.gpu_type, r.gpu_type)
        security = {"allowPrivilegeEscalation": sec.allow_privilege_escalation,
                    "capabilities": {"drop": ["ALL"]}, "privileged": sec.privileged,
                    "readOnlyRootFilesystem": sec.read_only_root_filesystem,
                    "runAsNonRoot": sec.run_as_non_root}
        if sec.run_as_user is not None:
            security["runAsUser"] = sec.run_as_user
        out[s.name] = {"requests": {k: v for k, v in requests.items() if v},
                       "limits": {k: v for k, v in limits.items() if v},
                       "node_selector": selector, "security": security,
                       "pod_security": {"runAsNonRoot": sec.run_as_non_root,
                                        "seccompProfile": {"type": "RuntimeDefault"},
                                        **({"runAsUser": sec.run_as_user}
                                           if sec.run_as_user is not None else {})},
                       "hostnetwork": sec.host_network}
    return out


def _names(p, ir_, dag):
    if dag is None:
        return {s.name: (s.display_name or s.name, s.description) for s in p.steps}
    return {k: (t["display_name"], t["doc_md"]) for k, t in dag["tasks"].items()}


def _dag_settings(p, ir_, dag):
    if dag is None:
        return (p.owner or "airflow", sorted(p.tags), p.description, p.timeout_s,
                p.max_active_runs, False)
    owners = {t["owner"] for t in dag["tasks"].values()}
    return (owners.pop(), dag["tags"], dag["doc_md"], dag["dagrun_timeout"],
            dag["max_active_runs"], dag["catchup"])


_PARAM_TYPES = {"string": "string", "integer": "integer", "float": "number",
                "boolean": "boolean"}


def _params(p, ir_, dag):
    """Defaults, descriptions and JSON Schema types; a param without default may be null."""
    if dag is not None:
        return dag["params"], dag["param_descriptions"], dag["param_types"]
    return ({x.name: x.default for x in p.parameters},
            {x.name: x.description for x in p.parameters},
            {x.name: _PARAM_TYPES[x.type] if x.default is not None
             else [_PARAM_TYPES[x.type], "null"] for x in p.parameters})


CHECKS = {"graph": _graph, "schedule": _schedule, "retries": _retries,
          "containers": _containers, "arguments": _arguments, "kubernetes": _kubernetes,
          "names": _names, "dag-settings": _dag_settings, "params": _params}


@pytest.mark.integration
def test_placeholders_render_at_run_time(loaded):
    """$(params.X) renders to the default; artifact paths join producer and consumer."""
    result, _ = loaded
    train = result["dags"]["fraud-training"]["tasks"]["train"]
    assert train["arguments"] == [
        "--data", "/mlopsc/artifacts/fraud-training/RUN/prepare/dataset",
        "--lr", "0.05", "--max-depth", "6",
        "--model", "/mlopsc/artifacts/fraud-training/RUN/train/model"]
    assert train["limits"] == {"memory": "16Gi", "nvidia.com/gpu": "1"}
    assert train["node_selector"] == {"nvidia.com/gpu.product": "Tesla-T4"}
    assert train["requests"] == {"cpu": "4", "memory": "16Gi"}
    assert train["security"] == {"allowPrivilegeEscalation": False,
                                 "capabilities": {"drop": ["ALL"]}, "privileged": False,
                                 "readOnlyRootFilesystem": True, "runAsNonRoot": True}
    schedule = result["dags"]["fraud-training"]["schedule"]
    assert schedule["assets"] == [["monitor-scorer-feature-drift",
                                   "mlopsc://monitors/scorer-feature-drift"]]


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_one_dag_per_airflow_pipeline(spec):
    # The bytes are compared in tests/golden/test_goldens.py; an example without an Airflow
    # pipeline gets no airflow/ files at all.
    result = api.compile(api.Options(spec=str(spec), targets=("airflow",)))
    assert not result.blocked(), [d.message for d in result.diagnostics]
    written = {a.path for a in result.artifacts if a.path.startswith("airflow/")}
    pipelines = {p.name for p in result.ir.pipelines if p.orchestrator == "airflow"}
    assert {f"airflow/dags/{name}.py" for name in pipelines} <= written
    assert bool(written) == bool(pipelines)
