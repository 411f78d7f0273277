"""Hostile text through the Kubeflow target reaches kfp unchanged; diagnostics of both
pipeline targets for what their platform cannot hold."""

from __future__ import annotations

import json

import pytest
import yaml
from test_airflow_injection import FRAGMENTS, NASTY, TAIL, compile_hostile, hostile_spec
from test_kubeflow import reload

from mlopsc import api


@pytest.fixture(scope="module")
def hostile_ir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kfp-hostile")
    artifacts = {a.path: a.content for a in compile_hostile(tmp, "kubeflow", "kubeflow")}
    return reload(artifacts["kubeflow/hostile.yaml"], tmp), artifacts


@pytest.mark.integration
def test_values_arrive_unchanged(hostile_ir):
    ir_, _ = hostile_ir
    first = ir_["executors"]["exec-first"]["container"]
    assert first["command"] == [NASTY, *FRAGMENTS, "python"]
    assert first["args"][0] == NASTY
    assert json.loads(first["args"][1]) == {"Concat": [
        f"--lr={NASTY}", "{{$.inputs.parameters['lr']}}", f"${NASTY}"]}
    assert first["args"][2:5] == ["{{$.inputs.parameters['text']}}",
                                  "{{$.inputs.parameters['tail']}}", "--out"]
    assert first["args"][6:] == FRAGMENTS
    assert {e["name"]: e.get("value", "") for e in first["env"]} == {  # "" is proto3 default
        "LITERAL": NASTY, **{f"FRAGMENT_{i:02}": text for i, text in enumerate(FRAGMENTS)}}
    assert ir_["info"]["description"] == NASTY
    assert ir_["inputs"]["parameters"]["text"]["defaultValue"] == NASTY
    assert ir_["inputs"]["parameters"]["tail"]["defaultValue"] == TAIL
    assert ir_["tasks"]["first"]["taskInfo"]["name"] == NASTY
    k8s = ir_["k8s"]["exec-first"]
    assert k8s["secretAsEnv"][0]["secretName"] == "s3cret"
    assert k8s["nodeSelector"] == {"labels": {"example.com/hostile": NASTY,
                                              "example.com/pool": "gpu"}}


@pytest.mark.integration
def test_header_and_recurring_run_stay_comments(hostile_ir):
    _, artifacts = hostile_ir
    head = artifacts["kubeflow/hostile.yaml"].decode().split("\ncomponents:")[0]
    assert all(line.startswith("#") for line in head.splitlines())
    run = yaml.safe_load(artifacts["kubeflow/hostile.recurring-run.yaml"])
    assert run["description"] == NASTY
    assert run["runtime_config"]["parameters"] == {"lr": 0.5, "tail": TAIL, "text": NASTY}


@pytest.mark.integration
def test_kfp_comment_block_keeps_a_hostile_description(tmp_path):
    """With no multi-line parameter default, kfp writes its own comment block, which quotes
    the description: every line break kind must stay inside comments."""
    def single_line_defaults(p):
        p["parameters"] = {"lr": p["parameters"]["lr"]}
        for step in p["steps"]:
            step["args"] = [a for a in step["args"] if "$(params.t" not in a]

    spec = tmp_path / "mlops.yaml"
    spec.write_text(yaml.safe_dump(_variant(single_line_defaults), allow_unicode=False))
    result = api.compile(api.Options(spec=str(spec), targets=("kubeflow",)))
    content = next(a.content for a in result.artifacts if a.path == "kubeflow/hostile.yaml")
    head = content.decode().split("\ncomponents:")[0]
    assert "\n# Description: q'uo" in head
    assert all(line.startswith("#") for line in head.splitlines())
    assert reload(content, tmp_path)["info"]["description"] == NASTY


def _variant(change, orchestrator="kubeflow"):
    spec = hostile_spec(orchestrator)
    for step in spec["pipelines"]["hostile"]["steps"]:
        step.pop("display_name", None)
        step.pop("description", None)
    change(spec["pipelines"]["hostile"])
    return spec


def _set(path, value):
    def change(p):
        target = p
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


CASES = [
    ("kubeflow", lambda p: None,
     {"W511": "pipelines.hostile.triggers[0]", "W512": "pipelines.hostile.timeout",
      "W513": "pipelines.hostile.steps[0].security"}),
    ("kubeflow", lambda p: p["parameters"].update({"a-b": {}, "a_b": {}}),
     {"E511": "pipelines.hostile.parameters"}),
    ("kubeflow", _set(("steps", 0, "args"), ["{{$.inputs.parameters['x']}}"]),
     {"W514": "pipelines.hostile.steps[0].args[0]"}),
    ("kubeflow", _set(("steps", 0, "resources", "memory"), "1.5Gi"),
     {"E512": "pipelines.hostile.steps[0].resources.memory"}),
    ("kubeflow", _set(("steps", 0, "retries"), {"limit": 1, "backoff": "1m",
                                                "backoff_factor": 1.5}),
     {"W516": "pipelines.hostile.steps[0].retries.backoff_factor"}),
    ("kubeflow", _set(("steps", 0, "retries"), {"limit": 3, "backoff": "1m",
                                                "backoff_factor": 2, "max_backoff": "3m"}),
     {"W516": "pipelines.hostile.steps[0].retries.max_backoff"}),
    ("kubeflow", _set(("parameters", "text"), {"type": "string"}),
     {"W517": "pipelines.hostile.parameters.text"}),
    ("airflow", lambda p: None, {"W521": "pipelines.hostile.steps[0].outputs"}),
    ("airflow", _set(("parameters", "text"), {"type": "string"}),
     {"W523": "pipelines.hostile.parameters.text"}),
    ("airflow", _set(("steps", 0, "retries", "backoff_factor"), 3),
     {"W522": "pipelines.hostile.steps[0].retries.backoff_factor"}),
    ("airflow", _set(("tags",), ["x" * 101]), {"E521": "pipelines.hostile.tags[0]"}),
]


@pytest.mark.parametrize(("target", "change", "expected"), CASES)
def test_diagnostics(tmp_path, target, change, expected):
    spec = tmp_path / "mlops.yaml"
    spec.write_text(yaml.safe_dump(_variant(change, target), allow_unicode=True))
    result = api.compile(api.Options(spec=str(spec), targets=(target,)))
    area = "51" if target == "kubeflow" else "52"
    found = {(d.code, d.path) for d in result.diagnostics if d.code[1:3] == area}
    assert set(expected.items()) <= found
    if change is CASES[0][1]:
        assert found == set(expected.items())
