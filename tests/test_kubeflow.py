"""Kubeflow target: every compiled IR reloads through kfp and equals the spec; goldens;
diagnostics for what KFP cannot hold; the recurring-run file."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from conftest import compilable_specs, example_id, example_specs
from golden import GOLDEN_ROOT, assert_tree
from google.protobuf import json_format
from kfp import components

from mlopsc import api
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import EmitOptions
from mlopsc.targets.kubeflow import KubeflowTarget
from mlopsc.targets.kubeflow.component import identifier, looks_like_runtime_placeholder
from mlopsc.targets.kubeflow.recurring import kfp_cron

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


def all_pipelines_as_kubeflow():
    """Every pipeline of every example, compiled for Kubeflow (Airflow ones moved over)."""
    out = []
    for spec in example_specs():
        result = api.validate(api.Options(spec=str(spec)))
        ir_ = result.ir
        ir_ = dataclasses.replace(ir_, pipelines=tuple(
            dataclasses.replace(p, orchestrator="kubeflow") for p in ir_.pipelines))
        artifacts = {a.path: a.content
                     for a in KubeflowTarget().emit(ir_, OPTIONS, Diagnostics())}
        out += [(p, artifacts[f"{p.name}.yaml"]) for p in ir_.pipelines]
    return out


PIPELINES = all_pipelines_as_kubeflow()


@pytest.mark.integration
@pytest.mark.parametrize(("p", "content"), PIPELINES, ids=[p.name for p, _ in PIPELINES])
def test_reloads_and_equals_spec(p, content, tmp_path):
    ir_ = reload(content, tmp_path)
    executor = {s.name: ir_["executors"][f"exec-{s.name}"]["container"] for s in p.steps}
    assert {name: sorted(t.get("dependentTasks", [])) for name, t in ir_["tasks"].items()} == \
        {s.name: sorted(s.upstream) for s in p.steps}
    assert {s.name: executor[s.name]["image"] for s in p.steps} == \
        {s.name: s.image for s in p.steps}
    assert {s.name: executor[s.name].get("command", []) for s in p.steps} == \
        {s.name: list(s.command) for s in p.steps}
    assert {name: t.get("retryPolicy") for name, t in ir_["tasks"].items()} == \
        {s.name: _retry(s.retry) for s in p.steps}
    assert {name: t["cachingOptions"].get("enableCache", False)
            for name, t in ir_["tasks"].items()} == {s.name: s.cache for s in p.steps}
    assert ir_["info"]["name"] == p.name


def _retry(retry):
    if retry is None:
        return None
    return {"maxRetryCount": retry.limit,
            "backoffDuration": f"{int(retry.backoff_s or 0)}s",
            "backoffFactor": retry.backoff_factor or 2.0,
            "backoffMaxDuration": f"{int(retry.max_backoff_s or 3600)}s"}


@pytest.mark.integration
def test_flagship_training_details(tmp_path):
    content = dict((p.name, c) for p, c in PIPELINES)["fraud-training"]
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
        "labels": {"nvidia.com/gpu.product": "nvidia-tesla-t4"}}
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
def test_golden(spec, request):
    result = api.compile(api.Options(spec=str(spec), targets=("kubeflow",)))
    assert not result.blocked(), [d.message for d in result.diagnostics]
    prefix = "kubeflow/"
    actual = {a.path[len(prefix):]: a.content for a in result.artifacts
              if a.path.startswith(prefix)}
    golden = GOLDEN_ROOT / example_id(spec) / "kubeflow"
    if not actual and not golden.exists():
        return  # no Kubeflow pipeline in this example
    assert_tree(actual, golden, request)


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
    ("$(params.x)", False), ("{{ jinja }}", False), ("plain", False)])
def test_runtime_placeholder_lookalikes(arg, expected):
    assert looks_like_runtime_placeholder(arg) is expected
