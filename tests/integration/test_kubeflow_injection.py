"""Hostile text through the Kubeflow target reaches kfp unchanged, or is refused (E518) where
the KFP backend would substitute it; diagnostics of both pipeline targets for what their
platform cannot hold.

KFP has no escape for ``{{``: the driver, the launcher and Argo Workflows all rewrite
``{{...}}`` (see ``mlopsc.targets.kubeflow.substitution``). So the hostile spec shared with
the Airflow tests is used with every ``{{`` opened up to ``{ {`` (all its other hazards
stay), and a table shows each field holding ``{{`` refused at its own line.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from test_airflow_injection import FRAGMENTS as ALL_FRAGMENTS
from test_airflow_injection import NASTY as ALL_NASTY
from test_airflow_injection import TAIL, emit_target, hostile_spec
from test_kubeflow import reload


def kfp_safe(value):
    """``value`` with every ``{{`` in its strings opened up (the KFP backend has no escape)."""
    if isinstance(value, str):
        return value.replace("{{", "{ {")
    if isinstance(value, list):
        return [kfp_safe(item) for item in value]
    if isinstance(value, dict):
        return {kfp_safe(k): kfp_safe(v) for k, v in value.items()}
    return value


NASTY, FRAGMENTS = kfp_safe(ALL_NASTY), kfp_safe(ALL_FRAGMENTS)
assert "{{" not in NASTY and "{ { dag }}" in NASTY


def compile_spec(spec: dict, target: str = "kubeflow"):
    """(path -> bytes, [(code, path)]) of one target (see test_airflow_injection.emit_target)."""
    artifacts, diagnostics = emit_target(spec, target)
    return {a.path: a.content for a in artifacts}, [(d.code, d.path) for d in diagnostics]


@pytest.fixture(scope="module")
def hostile_ir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kfp-hostile")
    artifacts, diagnostics = compile_spec(kfp_safe(hostile_spec("kubeflow")))
    assert not [d for d in diagnostics if d[0].startswith("E")], diagnostics
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

    artifacts, _ = compile_spec(_variant(single_line_defaults))
    content = artifacts["kubeflow/hostile.yaml"]
    head = content.decode().split("\ncomponents:")[0]
    assert "\n# Description: q'uo" in head
    assert all(line.startswith("#") for line in head.splitlines())
    assert reload(content, tmp_path)["info"]["description"] == NASTY


def _variant(change, orchestrator="kubeflow"):
    spec = hostile_spec(orchestrator)
    spec = kfp_safe(spec) if orchestrator == "kubeflow" else spec
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


# W517 and W521 are validate's (compiler/passes/check_orchestration.py): tested in
# tests/integration/test_pipelines_run.py.
CASES = [
    ("kubeflow", lambda p: None,
     {"W511": "pipelines.hostile.triggers[0]", "W512": "pipelines.hostile.timeout"}),
    ("kubeflow", lambda p: p["parameters"].update({"a-b": {}, "a_b": {}}),
     {"E511": "pipelines.hostile.parameters"}),
    ("kubeflow", _set(("steps", 0, "args"), ["{{$.inputs.parameters['x']}}"]),
     {"E518": "pipelines.hostile.steps[0].args[0]"}),
    ("kubeflow", _set(("steps", 0, "resources", "memory"), "1.5Gi"),
     {"E512": "pipelines.hostile.steps[0].resources.memory"}),
    ("kubeflow", _set(("steps", 0, "retries"), {"limit": 1, "backoff": "1m",
                                                "backoff_factor": 1.5}),
     {"W516": "pipelines.hostile.steps[0].retries.backoff_factor"}),
    ("kubeflow", _set(("steps", 0, "retries"), {"limit": 3, "backoff": "1m",
                                                "backoff_factor": 2, "max_backoff": "3m"}),
     {"W516": "pipelines.hostile.steps[0].retries.max_backoff"}),
    ("airflow", _set(("parameters", "text"), {"type": "string"}),
     {"W523": "pipelines.hostile.parameters.text"}),
    ("airflow", _set(("steps", 0, "retries", "backoff_factor"), 3),
     {"W522": "pipelines.hostile.steps[0].retries.backoff_factor"}),
    ("airflow", _set(("tags",), ["x" * 101]), {"E521": "pipelines.hostile.tags[0]"}),
]


@pytest.mark.parametrize(("target", "change", "expected"), CASES)
def test_diagnostics(target, change, expected):
    _, diagnostics = compile_spec(_variant(change, target), target)
    area = "51" if target == "kubeflow" else "52"
    found = {(code, path) for code, path in diagnostics if code[1:3] == area}
    assert set(expected.items()) <= found
    if change is CASES[0][1]:
        assert found == set(expected.items())


# What the KFP backend substitutes (see mlopsc.targets.kubeflow.substitution): kfp's own
# placeholders for a component's inputs and outputs, which mlopsc writes for $(...).
KFP_OWN = re.compile(r"\{\{\$\.(inputs|outputs)\.(parameters|artifacts)\['[A-Za-z0-9_]+'\]"
                     r"(\.(path|uri|output_file))?\}\}")


@pytest.mark.integration
def test_nothing_left_for_the_backend_to_substitute(hostile_ir):
    """Reloaded through kfp, the only `{{` in what the driver, the launcher and Argo
    Workflows read (executors, components, tasks, Kubernetes settings) are kfp's own
    placeholders for declared inputs and outputs: every literal reaches the pod as written."""
    ir_, _ = hostile_ir
    text = json.dumps([ir_["executors"], ir_["components"], ir_["tasks"], ir_["k8s"],
                       ir_["inputs"], ir_["info"]], ensure_ascii=False)
    used = KFP_OWN.findall(text)
    assert used  # the hostile spec uses $(params.X), $(inputs.X) and $(outputs.X)
    assert "{{" not in KFP_OWN.sub("", text)
    for executor in ir_["executors"].values():
        for arg in executor["container"].get("args", []) + executor["container"]["command"]:
            assert not arg.lstrip().startswith('{"IfPresent"')


REFUSED = [
    (("steps", 0, "command"), ["{{$}}", "python"], "pipelines.hostile.steps[0].command[0]"),
    (("steps", 0, "args"), ["--who={{workflow.name}}$(params.lr)"],
     "pipelines.hostile.steps[0].args[0]"),
    (("steps", 0, "args"), ["{{$.inputs.parameters['lr']}}"], "pipelines.hostile.steps[0].args[0]"),
    (("steps", 0, "args"), ['{"IfPresent": {"InputName": "lr", "Then": ["x"]}}'],
     "pipelines.hostile.steps[0].args[0]"),
    (("steps", 0, "env", "LITERAL"), "{{=sprig.env('HOME')}}",
     "pipelines.hostile.steps[0].env.LITERAL"),
    (("steps", 0, "display_name"), "{{$.pipeline_job_name}}",
     "pipelines.hostile.steps[0].display_name"),
    (("steps", 0, "description"), "see {{workflow.uid}}", "pipelines.hostile.steps[0].description"),
    (("steps", 0, "node_selector", "example.com/hostile"), "{{workflow.name}}",
     'pipelines.hostile.steps[0].node_selector["example.com/hostile"]'),
    (("parameters", "text", "default"), "{{$}}", "pipelines.hostile.parameters.text.default"),
    (("parameters", "lr", "description"), "{{$}}", "pipelines.hostile.parameters.lr.description"),
    (("description",), "{{ workflow.name }}", "pipelines.hostile.description"),
]


@pytest.mark.integration
@pytest.mark.parametrize(("where", "value", "path"), REFUSED, ids=[r[2] for r in REFUSED])
def test_text_the_backend_would_substitute_is_refused(where, value, path):
    artifacts, diagnostics = compile_spec(_variant(_set(where, value)))
    assert [d for d in diagnostics if d[0] == "E518"] == [("E518", path)]
    assert not [a for a in artifacts if a.startswith("kubeflow/hostile.")]
