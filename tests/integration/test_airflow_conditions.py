"""Conditions on step results in Airflow, checked in Airflow's own objects (the Airflow venv's
DagBag, through airflow_conditions_check.py): a conditional step waits for a short-circuit
after the producer, whose callable decides from the producer's XCom exactly as the spec
says (hostile compared strings included), and which skips the step and every task after
it; the producer pushes its XCom, and its pod, XCom sidecar included, passes the
restricted Pod Security Standard."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_airflow import airflow_python, write_dags

from mlopsc import api
from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.lower import lower
from mlopsc.spec import Spec
from mlopsc.target import EmitOptions
from mlopsc.targets.airflow import AirflowTarget

HERE = Path(__file__).parent
CHECK = HERE / "airflow_conditions_check.py"
FIXTURE = HERE.parent / "fixtures" / "conditions" / "mlops.yaml"
pytestmark = pytest.mark.integration

HOSTILE = ["q'uo\"te", "'''", '"""', "back\\slash", "new\nline", "{{ dag }}",
           "{% if x %}", "{{ var.value.secret }}", '"); import os; os._exit(3)  #',
           "''')\n'''", "\u2603 \u2028 \x85", ""]
XCOMS = [True, False, "true", 1, 1.0, 0, None, "ok", *HOSTILE]


def _dags(spec: Path | dict, tmp_path: Path) -> dict:
    """The spec's Airflow DAGs loaded by the DagBag; the check script's JSON, with the
    decisions for XCOMS. A file goes through validate (its IR: a policy finding would not
    stop the target); a document is lowered as it is, past the spec's own checks (which
    refuse line breaks in a compared value), since this is about what the target does with
    whatever reaches it."""
    if isinstance(spec, dict):
        ir_ = lower(Spec.model_validate(spec))
    else:
        result = api.validate(api.Options(spec=str(spec)), targets=False)
        assert result.ir is not None, [d.message for d in result.diagnostics]
        ir_ = result.ir
    bag = Diagnostics()
    artifacts = AirflowTarget().emit(ir_, EmitOptions("0.0.0", "mlops.yaml"), bag)
    assert not bag.has_errors, [d.message for d in bag]
    folder = tmp_path / "out"
    write_dags(artifacts, folder)
    (tmp_path / "xcoms.json").write_text(json.dumps(XCOMS))
    run = subprocess.run([airflow_python(), str(CHECK), str(folder / "dags"),
                          str(tmp_path / "xcoms.json")], capture_output=True, text=True,
                         timeout=300, cwd=folder, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = json.loads(run.stdout)
    assert loaded["import_errors"] == {}
    return loaded["dags"]


@pytest.fixture(scope="module")
def fixture_dag(tmp_path_factory):
    return _dags(FIXTURE, tmp_path_factory.mktemp("fixture"))["gated-airflow"]


def test_a_false_condition_skips_the_step_and_every_task_after_it(fixture_dag):
    tasks = fixture_dag["tasks"]
    gate = tasks["register.when"]
    assert gate["type"] == "ShortCircuitOperator"
    assert gate["upstream"] == ["evaluate"]
    assert gate["ignore_downstream_trigger_rules"] is True  # whatever a later trigger rule
    assert gate["after"] == ["publish", "register"]  # `report` does not wait for `register`
    assert tasks["register"]["upstream"] == ["evaluate", "register.when"]
    assert {t: v["do_xcom_push"] for t, v in tasks.items() if v["type"] != "ShortCircuitOperator"} \
        == {"evaluate": True, "register": False, "publish": False, "report": False}


def _decided(gate: list) -> dict:
    return {json.dumps(d["xcom"]): d["decision"] for d in gate}


def test_the_decision_reads_the_producers_xcom_typed(fixture_dag):
    [gate] = fixture_dag["gates"].values()
    assert {d["asked"][0] for d in gate} == {"evaluate"}
    decided = _decided(gate)
    assert decided["true"] is True and decided["false"] is False
    # A value of another type fails the short-circuit (and so the step), as KFP's launcher
    # fails a step whose boolean output does not parse.
    for other in ('"true"', "1", "1.0", "null"):
        assert decided[other].startswith("ValueError: task evaluate returned "), other


def restricted_violations(pod: dict) -> list[str]:
    """What the restricted Pod Security Standard (Kubernetes' pod-security-standards page,
    profile `restricted`) refuses in a pod spec."""
    found = []
    pod_sc = pod.get("securityContext") or {}
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            found.append(flag)
    allowed = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
               "persistentVolumeClaim", "projected", "secret"}
    found += [f"volume {v['name']}" for v in pod.get("volumes") or []
              if set(v) - {"name"} - allowed]
    for c in pod["containers"] + (pod.get("initContainers") or []):
        sc = c.get("securityContext") or {}
        name = c["name"]
        if sc.get("privileged"):
            found.append(f"{name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name}: allowPrivilegeEscalation")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            found.append(f"{name}: capabilities not dropped")
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            found.append(f"{name}: capabilities added")
        if not sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")):
            found.append(f"{name}: runAsNonRoot")
        if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
            found.append(f"{name}: runAsUser 0")
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(f"{name}: seccompProfile")
    return found


def test_the_xcom_sidecar_passes_the_restricted_pod_security_standard(fixture_dag):
    pod = fixture_dag["pods"]["evaluate"]
    names = [c["name"] for c in pod["after"]["containers"]]
    assert names == ["base", "airflow-xcom-sidecar"]
    # The control: Airflow's own sidecar, as it adds it, would be refused ...
    assert restricted_violations(pod["before"]) == [
        "airflow-xcom-sidecar: allowPrivilegeEscalation",
        "airflow-xcom-sidecar: capabilities not dropped"]
    # ... and runs as its image's user (alpine: root), which runAsNonRoot refuses at start;
    # the callback gives it a non-root user.
    assert restricted_violations(pod["after"]) == []
    sidecar = pod["after"]["containers"][1]["securityContext"]
    assert sidecar["runAsUser"] == 65534 and sidecar["readOnlyRootFilesystem"] is True
    base = pod["after"]["containers"][0]
    assert {"mountPath": "/airflow/xcom", "name": "xcom"} in base["volumeMounts"]


def _doc(steps: list[dict]) -> dict:
    return {"apiVersion": "mlopsc/v1", "metadata": {"name": "t"},
            "pipelines": {"p": {"orchestrator": "airflow", "steps": steps}}}


def _step(name: str, **extra) -> dict:
    return {"name": name, "image": "ghcr.io/a/x:1.0", **extra}


def _conditioned(kind: str, conditions: list[dict]) -> dict:
    steps = [_step("a", results={"r": kind}, args=["$(results.r)"])]
    steps += [_step(f"s{i}", after=["a"], when={"step": "a", "result": "r", **c})
              for i, c in enumerate(conditions)]
    return _doc(steps)


def test_hostile_compared_strings_reach_the_decision_unchanged(tmp_path):
    # Airflow compares in Python: any string is allowed (Kubeflow refuses these, E211).
    conditions = [{"equals": text} for text in HOSTILE] + [{"not_equals": HOSTILE[0]}]
    gates = _dags(_conditioned("string", conditions), tmp_path)["p"]["gates"]
    for i, text in enumerate(HOSTILE):
        decided = _decided(gates[f"s{i}.when"])
        assert [x for x, holds in decided.items() if holds is True] == [json.dumps(text)]
    negated = _decided(gates[f"s{len(HOSTILE)}.when"])
    assert negated[json.dumps(HOSTILE[0])] is False and negated['"ok"'] is True


def test_numbers_compare_as_numbers(tmp_path):
    gates = _dags(_conditioned("float", [{"equals": 1}, {"not_equals": 0}]), tmp_path)["p"]
    equals_one, not_zero = (_decided(gates["gates"][f"s{i}.when"]) for i in (0, 1))
    assert (equals_one["1"], equals_one["1.0"], equals_one["0"]) == (True, True, False)
    assert (not_zero["1"], not_zero["0"]) == (True, False)
    assert equals_one["true"].startswith("ValueError")  # a boolean is not a number here


def test_a_condition_skips_the_fanned_out_steps_after_it_and_one_may_follow_them(tmp_path):
    doc = _doc([
        _step("a", results={"ok": "boolean"}, args=["$(results.ok)"]),
        _step("g", after=["a"], when={"step": "a", "result": "ok", "equals": True}),
        _step("b", after=["g"], for_each={"parameter": "segments"}, args=["$(item)"]),
        _step("c", after=["b"]),
        _step("x", for_each={"parameter": "segments"}, args=["$(item)"]),
        _step("y", after=["x", "a"], when={"step": "a", "result": "ok", "equals": True}),
    ])
    doc["pipelines"]["p"]["parameters"] = {"segments": {"type": "list", "default": ["eu"]}}
    tasks = _dags(doc, tmp_path)["p"]["tasks"]
    assert tasks["g.when"]["after"] == ["b", "c", "g"]
    assert tasks["b"]["type"] == "MappedOperator"
    assert tasks["y.when"]["after"] == ["y"]
    assert tasks["y"]["upstream"] == ["a", "x", "y.when"]
