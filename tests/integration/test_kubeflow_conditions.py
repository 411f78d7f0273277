"""Conditions on step results in KFP: reloaded through kfp, each conditional step and every
step after it sit inside the dsl.If group on its producer's output parameter, with the
condition (CEL) the spec says, and the producer writes that parameter to the file
``$(results.NAME)`` stands for."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from google.protobuf import json_format
from kfp import components

from mlopsc import api
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import EmitOptions
from mlopsc.targets.kubeflow import KubeflowTarget

FIXTURE = Path(__file__).parents[1] / "fixtures" / "conditions" / "mlops.yaml"
pytestmark = pytest.mark.integration


def _compile(spec: Path | dict, tmp_path: Path) -> dict:
    """The Kubeflow pipelines of a spec (a file, or a document written to one), compiled
    from its IR (a policy finding would not stop the target) and reloaded by kfp."""
    if isinstance(spec, dict):
        (tmp_path / "mlops.yaml").write_text(yaml.safe_dump(spec))
        spec = tmp_path / "mlops.yaml"
    result = api.validate(api.Options(spec=str(spec)), targets=False)
    assert result.ir is not None, [d.message for d in result.diagnostics]
    bag = Diagnostics()
    artifacts = KubeflowTarget().emit(result.ir, EmitOptions("0.0.0", "mlops.yaml"), bag)
    assert not bag.has_errors, [d.message for d in bag]
    out = {}
    for artifact in artifacts:
        if artifact.path.endswith((".recurring-run.yaml", ".trigger.yaml")):
            continue
        path = tmp_path / artifact.path
        path.write_bytes(artifact.content)
        loaded = components.load_component_from_file(str(path))
        out[path.name.removesuffix(".yaml")] = json_format.MessageToDict(loaded.pipeline_spec)
    return out


def groups(spec: dict) -> dict[str, tuple[str, ...]]:
    """Each task -> the condition groups (their trigger conditions) it sits in, outermost
    first, walked from the root DAG through the groups' sub-DAGs."""
    found: dict[str, tuple[str, ...]] = {}

    def walk(dag: dict, around: tuple[str, ...]) -> None:
        for name, task in dag["tasks"].items():
            component = spec["components"][task["componentRef"]["name"]]
            if "dag" not in component:
                found[name] = around
            elif "triggerPolicy" in task:
                walk(component["dag"], around + (task["triggerPolicy"]["condition"],))
            else:  # another group (an exit handler): no condition of its own
                walk(component["dag"], around)
    walk(spec["root"]["dag"], ())
    return found


PASSED = "inputs.parameter_values['pipelinechannel--evaluate-passed'] == true"
VERDICT = ("inputs.parameter_values['pipelinechannel--evaluate-verdict'] != "
           "'\"needs-review\"'")


def test_conditional_steps_and_their_followers_sit_in_nested_if_groups(tmp_path):
    spec = _compile(FIXTURE, tmp_path)["gated-kfp"]
    assert groups(spec) == {"train": (), "evaluate": (), "report": (),
                            "register": (PASSED,), "publish": (PASSED, VERDICT)}
    root = spec["root"]["dag"]["tasks"]
    assert root["condition-1"]["dependentTasks"] == ["evaluate", "train"]
    assert root["condition-1"]["triggerPolicy"]["condition"] == PASSED


def test_results_are_output_parameters_written_to_their_placeholder_files(tmp_path):
    spec = _compile(FIXTURE, tmp_path)["gated-kfp"]
    outputs = spec["components"]["comp-evaluate"]["outputDefinitions"]["parameters"]
    assert outputs == {"passed": {"parameterType": "BOOLEAN"},
                       "verdict": {"parameterType": "STRING"}}
    args = spec["deploymentSpec"]["executors"]["exec-evaluate"]["container"]["args"]
    assert '{"Concat": ["--passed-file=", "{{$.outputs.parameters[\'passed\'].output_file}}"]}' \
        in args


def _doc(steps: list[dict]) -> dict:
    return {"apiVersion": "mlopsc/v1", "metadata": {"name": "t"},
            "pipelines": {"p": {"orchestrator": "kubeflow", "steps": steps}}}


def _step(name: str, **extra) -> dict:
    return {"name": name, "image": "ghcr.io/a/x:1.0", **extra}


@pytest.mark.parametrize(("kind", "value", "cel"), [
    ("integer", 3, "int(inputs.parameter_values['pipelinechannel--a-r']) == 3"),
    ("float", 1, "inputs.parameter_values['pipelinechannel--a-r'] == 1.0"),
    ("float", 0.25, "inputs.parameter_values['pipelinechannel--a-r'] == 0.25"),
    ("boolean", False, "inputs.parameter_values['pipelinechannel--a-r'] == false"),
    # Printable ASCII kfp writes as it is: it stays inside the quotes, as JSON text.
    ("string", "x && true || $(params.y) ${z} %s [0]",
     ("inputs.parameter_values['pipelinechannel--a-r'] == '\"x && true || $(params.y) "
     "${z} %s [0]\"'")),
])
def test_compared_values_reach_the_condition_typed(kind, value, cel, tmp_path):
    spec = _compile(_doc([
        _step("a", results={"r": kind}, args=["$(results.r)"]),
        _step("b", after=["a"], when={"step": "a", "result": "r", "equals": value})]),
        tmp_path)["p"]
    assert groups(spec) == {"a": (), "b": (cel,)}


def test_a_later_condition_nests_in_an_earlier_one_and_groups_stay_whole(tmp_path):
    # `d` waits for `c` (under both conditions) and for `u`, which is under neither:
    # `u` must be created before the groups open, whatever the declared order.
    spec = _compile(_doc([
        _step("a", results={"ok": "boolean"}, args=["$(results.ok)"]),
        _step("b", after=["a"], when={"step": "a", "result": "ok", "equals": True},
              results={"n": "integer"}, args=["$(results.n)"]),
        _step("c", after=["b"], when={"step": "b", "result": "n", "not_equals": 0}),
        _step("d", after=["c", "u"]),
        _step("u"),
    ]), tmp_path)["p"]
    ok = "inputs.parameter_values['pipelinechannel--a-ok'] == true"
    n = "int(inputs.parameter_values['pipelinechannel--b-n']) != 0"
    assert groups(spec) == {"a": (), "u": (), "b": (ok,), "c": (ok, n), "d": (ok, n)}


def test_conditions_inside_the_exit_handler_of_a_failure_notice(tmp_path):
    doc = _doc([
        _step("a", results={"ok": "boolean"}, args=["$(results.ok)"]),
        _step("b", after=["a"], when={"step": "a", "result": "ok", "equals": True})])
    doc["pipelines"]["p"]["notify"] = {"on_failure": {"webhook": "alerts"}}
    spec = _compile(doc, tmp_path)["p"]
    found = groups(spec)
    assert found["a"] == () and found["b"] == (
        "inputs.parameter_values['pipelinechannel--a-ok'] == true",)
    assert "exit-handler-1" in spec["root"]["dag"]["tasks"]


def test_conditions_and_fan_out_nest_either_way(tmp_path):
    # A fanned-out step cannot have a condition of its own, but `b` fans out after the
    # conditional `g`, inside its dsl.If; `c` waits for all of `b`'s runs, under the same
    # condition; `y` is conditional after the fanned-out `x`, which is under none.
    doc = _doc([
        _step("a", results={"ok": "boolean"}, args=["$(results.ok)"]),
        _step("g", after=["a"], when={"step": "a", "result": "ok", "equals": True}),
        _step("b", after=["g"], for_each={"parameter": "segments"}, args=["$(item)"]),
        _step("c", after=["b"]),
        _step("x", for_each={"parameter": "segments"}, args=["$(item)"]),
        _step("y", after=["x", "a"], when={"step": "a", "result": "ok", "not_equals": True}),
    ])
    doc["pipelines"]["p"]["parameters"] = {"segments": {"type": "list", "default": ["eu"]}}
    spec = _compile(doc, tmp_path)["p"]
    ok = "inputs.parameter_values['pipelinechannel--a-ok'] == true"
    not_ok = "inputs.parameter_values['pipelinechannel--a-ok'] != true"
    assert groups(spec) == {"a": (), "x": (), "g": (ok,), "b": (ok,), "c": (ok,),
                            "y": (not_ok,)}
