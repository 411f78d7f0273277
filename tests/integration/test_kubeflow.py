"""Kubeflow target: every compiled IR reloads through kfp and equals the spec;
diagnostics for what KFP cannot hold; the recurring-run file."""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import compilable_specs, example_id, example_specs
from google.protobuf import json_format
from kfp import components

from mlopsc import api, ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.render.gpu import GKE_TO_PRODUCT
from mlopsc.target import EmitOptions
from mlopsc.targets.kubeflow import KubeflowTarget
from mlopsc.targets.kubeflow.component import identifier
from mlopsc.targets.kubeflow.recurring import kfp_cron
from mlopsc.targets.kubeflow.substitution import literal_is_substituted

OPTIONS = EmitOptions("0.0.0", "mlops.yaml")


def reload(content: bytes, tmp_path) -> dict:
    """The IR as kfp reads it back: tasks, executors and the kubernetes platform config."""
    path = tmp_path / "pipeline.yaml"
    path.write_bytes(content)
    loaded = components.load_component_from_file(str(path))
    spec = json_format.MessageToDict(loaded.pipeline_spec)
    platform = json_format.MessageToDict(loaded.platform_spec)
    return {"tasks": spec["root"]["dag"]["tasks"],
            "executors": spec["deploymentSpec"]["executors"],
            "components": spec["components"],
            "info": spec["pipelineInfo"], "inputs": spec["root"].get("inputDefinitions", {}),
            "k8s": platform.get("platforms", {}).get("kubernetes", {})
            .get("deploymentSpec", {}).get("executors", {})}


IMAGE = "ghcr.io/acme/coverage@sha256:" + "c" * 64


def coverage_spec(orchestrator: str) -> dict:
    """One pipeline that sets every pipeline and step field (shared with the Airflow tests)."""
    first = {
        "name": "first", "display_name": "First step", "description": "Makes the data.",
        "image": IMAGE, "command": ["python", "-m", "first"],
        "args": ["--flag=$(params.flag)", "$(params.name)", "--count", "$(params.count)",
                 "--out", "$(outputs.data)"],
        "env": {"PLAIN": "1", "TOKEN": {"secret": "sec", "key": "tok"}},
        "resources": {"cpu": "500m", "memory": "1Gi", "cpu_limit": "1", "memory_limit": "2Gi",
                      "gpu": {"count": 2}},
        "retries": {"limit": 4, "backoff": "30s", "backoff_factor": 2, "max_backoff": "5m"},
        "timeout": "15m", "cache": False, "node_selector": {"pool": "batch"},
        "security": {"run_as_user": 1000}, "outputs": ["data"],
    }
    second = {
        "name": "second", "image": IMAGE, "command": ["run"], "args": ["in=$(inputs.data)/x"],
        "inputs": {"data": "first.data"},
        "resources": {"cpu": "1", "memory": "1Gi", "gpu": {"count": 1, "type": "nvidia-l4"}},
        "retries": {"limit": 2},
    }
    third = {
        "name": "third", "image": IMAGE, "command": ["true"], "after": ["first"],
        "resources": {"cpu": "100m", "memory": "64Mi"},
        "security": {"run_as_non_root": False, "read_only_root_filesystem": False,
                     "privileged": True, "host_network": True,
                     "allow_privilege_escalation": True},
        "retries": {"limit": 1, "backoff": "10m", "max_backoff": "2m"},
    }
    return {
        "apiVersion": "mlopsc/v1", "metadata": {"name": "coverage"},
        "datasets": {"events": {"owner": "team-x", "version": "1.0.0",
                                "location": "s3://bucket/events/",
                                "fields": [{"name": "id", "type": "string"}]}},
        "pipelines": {"coverage": {
            "owner": "team-x", "description": "Sets every field.",
            "orchestrator": orchestrator, "schedule": "*/30 * * * *",
            "triggers": [{"type": "data_change", "dataset": "events"}, {"type": "manual"}],
            "parameters": {"flag": {"type": "boolean", "default": True,
                                    "description": "A switch."},
                           "name": {"type": "string", "default": "abc"},
                           "count": {"type": "integer"},
                           "rate": {"type": "float", "default": 0.5}},
            "inputs": [{"dataset": "events"}], "timeout": "2h", "max_active_runs": 3,
            "tags": ["a", "b"], "steps": [first, second, third]}},
    }


def coverage_ir(orchestrator: str):
    """The coverage spec's IR (the policy gate would block its insecure step; the targets
    still compile it, and that is what is tested)."""
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "mlops.yaml"
        spec.write_text(yaml.safe_dump(coverage_spec(orchestrator)))
        result = api.validate(api.Options(spec=str(spec)))
    assert result.ir is not None, [d.message for d in result.diagnostics]
    return result.ir


def all_pipelines_as_kubeflow():
    """Every pipeline of every example and of the coverage spec, compiled for Kubeflow
    (Airflow ones moved over)."""
    out = []
    irs = [api.validate(api.Options(spec=str(spec))).ir for spec in example_specs()]
    for validated in [*irs, coverage_ir("kubeflow")]:
        ir_ = dataclasses.replace(validated, pipelines=tuple(
            dataclasses.replace(p, orchestrator="kubeflow") for p in validated.pipelines))
        artifacts = {a.path: a.content
                     for a in KubeflowTarget().emit(ir_, OPTIONS, Diagnostics())}
        out += [(p, artifacts[f"{p.name}.yaml"]) for p in ir_.pipelines]
    return out


PIPELINES = all_pipelines_as_kubeflow()
ASPECTS = ["graph", "containers", "env", "resources", "kubernetes", "retries", "caching",
           "names", "parameters", "wiring", "pipeline"]


@pytest.fixture(scope="module")
def reloaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kfp")
    return [(p, reload(content, folder)) for p, content in PIPELINES]


@pytest.mark.integration
@pytest.mark.parametrize("aspect", ASPECTS)
def test_reloads_and_equals_spec(reloaded, aspect):
    """Each aspect of every compiled IR, read back through kfp, equals the spec's."""
    assert {p.name for p, _ in reloaded} >= {"fraud-training", "coverage"}
    for p, loaded in reloaded:
        assert CHECKS[aspect](p, loaded) == CHECKS[aspect](p, None), (p.name, aspect)


def _graph(p, ir_):
    if ir_ is None:
        return {s.name: sorted(s.upstream) for s in p.steps}
    return {name: sorted(t.get("dependentTasks", [])) for name, t in ir_["tasks"].items()}


def _containers(p, ir_):
    if ir_ is None:
        return {s.name: (s.image, [_kfp_arg(a) for a in s.command],
                         [_kfp_arg(a) for a in s.args]) for s in p.steps}
    out = {}
    for s in p.steps:
        c = ir_["executors"][f"exec-{s.name}"]["container"]
        out[s.name] = (c["image"], [_concat(a) for a in c.get("command", [])],
                       [_concat(a) for a in c.get("args", [])])
    return out


_KFP_FORMS = {"params": "{{$.inputs.parameters['%s']}}",
              "inputs": "{{$.inputs.artifacts['%s'].path}}",
              "outputs": "{{$.outputs.artifacts['%s'].path}}"}


def _kfp_arg(text):
    """What KFP should hold for a spec argument: the text, or a Concat of text and
    placeholders."""
    pieces = re.split(r"\$\((params|inputs|outputs)\.([A-Za-z0-9_-]+)\)", text)
    parts = [pieces[0]] if pieces[0] else []
    for i in range(1, len(pieces), 3):
        parts.append(_KFP_FORMS[pieces[i]] % identifier(pieces[i + 1]))
        if pieces[i + 2]:
            parts.append(pieces[i + 2])
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ("Concat", parts)


def _concat(arg):
    if arg.startswith('{"Concat"'):
        return ("Concat", json.loads(arg)["Concat"])
    return arg


def _env(p, ir_):
    if ir_ is None:
        return {s.name: ({e.name: e.value for e in s.env if e.secret is None},
                         {e.name: [e.secret, e.secret_key] for e in s.env if e.secret})
                for s in p.steps}
    out = {}
    for s in p.steps:
        c = ir_["executors"][f"exec-{s.name}"]["container"]
        secrets = {item["envVar"]: [ref["secretName"], item["secretKey"]]
                   for ref in ir_["k8s"].get(f"exec-{s.name}", {}).get("secretAsEnv", [])
                   for item in ref["keyToEnv"]}
        out[s.name] = ({e["name"]: e.get("value", "") for e in c.get("env", [])}, secrets)
    return out


def _resources(p, ir_):
    if ir_ is None:
        return {s.name: _spec_resources(s.resources) for s in p.steps}
    out = {}
    for s in p.steps:
        r = ir_["executors"][f"exec-{s.name}"]["container"].get("resources", {})
        got = {k: v for k, v in r.items() if k.startswith("resource")}
        if "accelerator" in r:
            got["gpu"] = (r["accelerator"]["resourceType"], r["accelerator"]["resourceCount"])
        out[s.name] = got
    return out


def _spec_resources(r):
    """The memory limit defaults to the request (the spec says so)."""
    if r is None:
        return {}
    got = {"resourceCpuRequest": r.cpu, "resourceMemoryRequest": r.memory,
           "resourceCpuLimit": r.cpu_limit, "resourceMemoryLimit": r.memory_limit or r.memory,
           "gpu": ("nvidia.com/gpu", str(r.gpu_count)) if r.gpu_count else None}
    return {k: v for k, v in got.items() if v is not None}


def _kubernetes(p, ir_):
    keys = ("nodeSelector", "activeDeadlineSeconds", "securityContext", "podMetadata")
    if ir_ is not None:
        return {s.name: {k: ir_["k8s"].get(f"exec-{s.name}", {}).get(k) for k in keys}
                for s in p.steps}
    out = {}
    for s in p.steps:
        selector = dict(s.node_selector)
        if s.resources is not None and s.resources.gpu_type:
            selector["nvidia.com/gpu.product"] = GKE_TO_PRODUCT.get(s.resources.gpu_type,
                                                                     s.resources.gpu_type)
        security = {"runAsNonRoot": s.security.run_as_non_root}
        if s.security.run_as_user is not None:
            security["runAsUser"] = str(s.security.run_as_user)
        description = s.description and {"annotations": {"mlopsc.io/description":
                                                         s.description}}
        timeout = None if s.timeout_s is None else str(int(s.timeout_s))
        out[s.name] = dict(zip(keys, (selector and {"labels": selector}, timeout, security,
                                      description or None), strict=True))
        out[s.name]["nodeSelector"] = out[s.name]["nodeSelector"] or None
    return out


def _retries(p, ir_):
    if ir_ is None:
        return {s.name: _spec_retry(s.retry) for s in p.steps}
    return {name: t.get("retryPolicy") for name, t in ir_["tasks"].items()}


def _spec_retry(retry):
    """Constant delays without a factor, a whole factor (Argo reads an integer), the first
    delay within max_backoff, and no retry window (KFP's default stops retrying 3600 s after
    the first attempt started)."""
    if retry is None:
        return None
    delay = retry.backoff_s or 0
    if retry.max_backoff_s is not None:
        delay = min(delay, retry.max_backoff_s)
    return {"maxRetryCount": retry.limit, "backoffDuration": f"{int(delay)}s",
            "backoffFactor": float(int((retry.backoff_factor or 1) + 0.5)),
            "backoffMaxDuration": "2147483647s"}


def _caching(p, ir_):
    if ir_ is None:
        return {s.name: s.cache for s in p.steps}
    return {name: t["cachingOptions"].get("enableCache", False)
            for name, t in ir_["tasks"].items()}


def _names(p, ir_):
    if ir_ is None:
        return {s.name: (s.display_name or s.name, f"comp-{s.name}") for s in p.steps}
    return {name: (t["taskInfo"]["name"], t["componentRef"]["name"])
            for name, t in ir_["tasks"].items()}


_TYPES = {"string": "STRING", "integer": "NUMBER_INTEGER", "float": "NUMBER_DOUBLE",
          "boolean": "BOOLEAN"}


def _parameters(p, ir_):
    if ir_ is not None:
        return ir_["inputs"].get("parameters", {})
    out = {}
    for x in p.parameters:
        d = {"parameterType": _TYPES[x.type]}
        if x.default is not None:
            d |= {"defaultValue": x.default, "isOptional": True}
        if x.description:
            d["description"] = x.description
        out[identifier(x.name)] = d
    return out


def _wiring(p, ir_):
    if ir_ is not None:
        return {name: (t.get("inputs", {}).get("parameters", {}),
                       t.get("inputs", {}).get("artifacts", {}))
                for name, t in ir_["tasks"].items()}
    out = {}
    for s in p.steps:
        params = {identifier(n): {"componentInputParameter": identifier(n)}
                  for a in (*s.command, *s.args)
                  for n in re.findall(r"\$\(params\.([A-Za-z0-9_-]+)\)", a)}
        artifacts = {identifier(i.name): {"taskOutputArtifact": {
            "outputArtifactKey": identifier(i.output), "producerTask": i.step}}
            for i in s.inputs}
        out[s.name] = (params, artifacts)
    return out


def _pipeline(p, ir_):
    if ir_ is None:
        return {"name": p.name, **({"description": p.description} if p.description else {})}
    return ir_["info"]


CHECKS = {"graph": _graph, "containers": _containers, "env": _env, "resources": _resources,
          "kubernetes": _kubernetes, "retries": _retries, "caching": _caching, "names": _names,
          "parameters": _parameters, "wiring": _wiring, "pipeline": _pipeline}


def test_coverage_pipeline_diagnostics_and_extras():
    """What KFP cannot hold in the coverage pipeline is reported; owner, tags and the
    schedule sit beside the IR."""
    bag = Diagnostics()
    artifacts = {a.path: a.content
                 for a in KubeflowTarget().emit(coverage_ir("kubeflow"), OPTIONS, bag)}
    assert sorted((d.code, d.path) for d in bag) == [
        ("W511", "pipelines.coverage.triggers[0]"),
        ("W512", "pipelines.coverage.timeout"),
        ("W513", "pipelines.coverage.steps[2].security")]
    assert [d.message for d in bag if d.code == "W513"] == [
        ("pipeline 'coverage': KFP cannot set allow_privilege_escalation, host_network, "
         "privileged (steps third); they run with the backend's container defaults")]
    head = artifacts["coverage.yaml"].decode().split("# PIPELINE DEFINITION")[0]
    assert head == ('# generated by mlopsc 0.0.0 from mlops.yaml; do not edit\n'
                    '# owner: "team-x"\n# tags: ["a", "b"]\n')
    assert yaml.safe_load(artifacts["coverage.recurring-run.yaml"]) == {
        "description": "Sets every field.", "display_name": "coverage",
        "max_concurrency": 3, "mode": "ENABLE", "no_catchup": True,
        "runtime_config": {"parameters": {"flag": True, "name": "abc", "rate": 0.5}},
        "trigger": {"cron_schedule": {"cron": "0 */30 * * * *"}}}


@pytest.mark.integration
def test_flagship_training_details(tmp_path):
    content = {p.name: c for p, c in PIPELINES}["fraud-training"]
    ir_ = reload(content, tmp_path)
    train = ir_["executors"]["exec-train"]["container"]
    assert train["args"] == [
        "--data", "{{$.inputs.artifacts['dataset'].path}}",
        "--lr", "{{$.inputs.parameters['learning_rate']}}",
        "--max-depth", "{{$.inputs.parameters['max_depth']}}",
        "--model", "{{$.outputs.artifacts['model'].path}}"]
    assert train["resources"]["accelerator"]["resourceCount"] == "1"
    assert train["resources"]["resourceMemoryRequest"] == "16Gi"
    assert ir_["k8s"]["exec-train"]["nodeSelector"] == {
        "labels": {"nvidia.com/gpu.product": "Tesla-T4"}}
    assert ir_["k8s"]["exec-train"]["activeDeadlineSeconds"] == "10800"
    assert ir_["k8s"]["exec-register"]["secretAsEnv"][0]["keyToEnv"] == [
        {"envVar": "REGISTRY_TOKEN", "secretKey": "token"}]
    assert ir_["tasks"]["register"]["inputs"]["artifacts"]["report"] == {
        "taskOutputArtifact": {"outputArtifactKey": "report", "producerTask": "evaluate"}}
    params = ir_["inputs"]["parameters"]
    assert params["learning_rate"] == {"defaultValue": 0.05, "description":
                                       "Gradient boosting learning rate.", "isOptional": True,
                                       "parameterType": "NUMBER_DOUBLE"}


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_one_file_per_kubeflow_pipeline(spec):
    # The bytes are compared in tests/golden/test_goldens.py; an example without a Kubeflow
    # pipeline gets no kubeflow/ files at all.
    result = api.compile(api.Options(spec=str(spec), targets=("kubeflow",)))
    assert not result.blocked(), [d.message for d in result.diagnostics]
    written = {a.path for a in result.artifacts if a.path.startswith("kubeflow/")}
    pipelines = {p.name for p in result.ir.pipelines if p.orchestrator == "kubeflow"}
    assert {f"kubeflow/{name}.yaml" for name in pipelines} <= written
    assert bool(written) == bool(pipelines)


def test_recurring_run_definition():
    result = api.compile(api.Options(spec="mlops.yaml", targets=("kubeflow",)))
    run = next(a for a in result.artifacts
               if a.path == "kubeflow/fraud-training.recurring-run.yaml")
    assert yaml.safe_load(run.content) == {
        "description": "Retrains the fraud model nightly and when drift is detected.",
        "display_name": "fraud-training", "max_concurrency": 1, "mode": "ENABLE",
        "no_catchup": True,
        "runtime_config": {"parameters": {"learning_rate": 0.05, "max_depth": 6}},
        "trigger": {"cron_schedule": {"cron": "0 0 2 * * *"}}}


@pytest.mark.parametrize(("cron", "expected"), [
    ("0 2 * * *", "0 0 2 * * *"), ("*/5  * * * 1-5", "0 */5 * * * 1-5"),
    ("@daily", "@daily"), ("0 0 2 * * *", "0 0 2 * * *")])
def test_kfp_cron(cron, expected):
    assert kfp_cron(cron) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("learning-rate", "learning_rate"), ("class", "class_"), ("1st", "p_1st"),
    ("a.b", "a_b"), ("ok", "ok")])
def test_identifier(name, expected):
    assert identifier(name) == expected


@pytest.mark.parametrize(("arg", "expected"), [
    ("{{$.inputs.parameters['x']}}", True), ('{"Concat": ["a"]}', True),
    ("$(params.x)", False), ("{{ jinja }}", True), ("a}} {$ $(params.x)", False),
    ("plain", False)])
def test_runtime_placeholder_lookalikes(arg, expected):
    assert literal_is_substituted(arg) is expected


RETRY_CASES = [
    (ir.Retry(limit=1, backoff_s=60, backoff_factor=1.5), "60s", 2.0,
     [("W516", "pipelines.coverage.steps[1].retries.backoff_factor",
       "step 'second': KFP's backend takes a whole backoff factor; 1.5 becomes 2")]),
    (ir.Retry(limit=3, backoff_s=60, backoff_factor=2, max_backoff_s=180), "60s", 2.0,
     [("W516", "pipelines.coverage.steps[1].retries.max_backoff",
       "step 'second': KFP cannot cap a retry delay; delays grow past max_backoff to 240 s")]),
    (ir.Retry(limit=3, backoff_s=60, backoff_factor=2, max_backoff_s=240), "60s", 2.0, []),
    (ir.Retry(limit=2, backoff_s=600, max_backoff_s=120), "120s", 1.0, []),
    (ir.Retry(limit=2), "0s", 1.0, []),
]


@pytest.mark.parametrize(("retry", "delay", "factor", "expected"), RETRY_CASES)
def test_retry_backoff(retry, delay, factor, expected, tmp_path):
    """Backoff KFP can run is kept exactly; what it cannot is approximated with W516."""
    ir_ = coverage_ir("kubeflow")
    p = ir_.pipelines[0]
    steps = tuple(dataclasses.replace(s, retry=retry) if s.name == "second" else s
                  for s in p.steps)
    ir_ = dataclasses.replace(ir_, pipelines=(dataclasses.replace(p, steps=steps),))
    bag = Diagnostics()
    content = next(a.content for a in KubeflowTarget().emit(ir_, OPTIONS, bag)
                   if a.path == "coverage.yaml")
    assert [(d.code, d.path, d.message) for d in bag if d.code == "W516"] == expected
    assert reload(content, tmp_path)["tasks"]["second"]["retryPolicy"] == {
        "backoffDuration": delay, "backoffFactor": factor,
        "backoffMaxDuration": "2147483647s", "maxRetryCount": retry.limit}
