"""Fan-out over a list parameter (a step's `for_each`), checked in the real tools: kfp reloads
the IR (a `for-loop` sub-DAG iterating the parameter, its parallelism, the item wired to the
step); Airflow's DagBag holds a MappedOperator expanded from the items task, and a real
`dag.test()` (sqlite metadata database) expands one task instance per item and renders each
instance's arguments, hostile items included, as the pods would get them.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from test_airflow import airflow_python
from test_kubeflow import IMAGE, reload

from mlopsc import api

HELPER = Path(__file__).with_name("fanout_airflow_run.py")
RESOURCES = {"cpu": "1", "memory": "1Gi"}
HOSTILE = ["eu", "it's \"quoted\"", "{{ 7*7 }}", "{% raw %}x", "$(params.lr)", "}}", "ü"]
KFP_HOSTILE = [item for item in HOSTILE if "{{" not in item]  # '{{' is E518 for Kubeflow


def spec(orchestrator: str, segments: list | None = None, **train) -> dict:
    """`prepare` feeds `train` (fanned out over `segments`), then `report` waits for it."""
    steps = [
        {"name": "prepare", "image": IMAGE, "args": ["--out", "$(outputs.data)"],
         "outputs": ["data"], "resources": RESOURCES},
        {"name": "train", "image": IMAGE, "for_each": {"parameter": "segments",
                                                       "parallelism": 2},
         "args": ["--segment=$(item)", "--lr", "$(params.lr)", "$(item)"],
         "resources": RESOURCES, **train},
        {"name": "report", "image": IMAGE, "args": ["--all"], "after": ["train"],
         "resources": RESOURCES},
    ]
    if orchestrator == "kubeflow":
        steps[1].setdefault("inputs", {"data": "prepare.data"})
    else:
        steps[0].pop("outputs")
        steps[0]["args"] = ["--out", "/data"]
    body = {"orchestrator": orchestrator, "owner": "team-ml",
            "parameters": {"segments": {"type": "list", "default": segments or ["eu", "us"],
                                        "description": "Segments, one run each"},
                           "lr": {"type": "float", "default": 0.1}},
            "steps": steps}
    return {"apiVersion": "mlopsc/v1", "metadata": {"name": "fanout"},
            "pipelines": {"seg-train": body}}


def run(document: dict, tmp_path: Path, command=api.compile, **options):
    path = tmp_path / "mlops.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = command(api.Options(spec=str(path), **options))
    return result, {(d.code, d.path) for d in result.diagnostics}


def outputs(result) -> dict[str, bytes]:
    return {a.path: a.content for a in result.artifacts}


def _edit(document: dict, change) -> dict:
    out = copy.deepcopy(document)
    change(out["pipelines"]["seg-train"])
    return out


def _step(p: dict, name: str) -> dict:
    return next(s for s in p["steps"] if s["name"] == name)


P = "pipelines.seg-train"
REFUSED = [
    ("unknown parameter",
     lambda p: _step(p, "train")["for_each"].update(parameter="segmnts"),
     "kubeflow", ("E348", f"{P}.steps[1].for_each.parameter")),
    ("not a list",
     lambda p: _step(p, "train")["for_each"].update(parameter="lr"),
     "kubeflow", ("E348", f"{P}.steps[1].for_each.parameter")),
    ("outputs read downstream",
     lambda p: (_step(p, "train").update(outputs=["model"]),
                _step(p, "report").update(inputs={"m": "train.model"})),
     "kubeflow", ("E348", f"{P}.steps[2].inputs.m")),
    ("airflow outputs",
     lambda p: _step(p, "train").update(outputs=["model"]),
     "airflow", ("E348", f"{P}.steps[1].outputs")),
    ("whole list in args",
     lambda p: _step(p, "report").update(args=["--all", "$(params.segments)"]),
     "airflow", ("E348", f"{P}.steps[2].args[1]")),
    ("item outside",
     lambda p: _step(p, "report").update(args=["--seg", "$(item)"]),
     "kubeflow", ("E349", f"{P}.steps[2].args[1]")),
    ("parallelism below one",
     lambda p: _step(p, "train")["for_each"].update(parallelism=0),
     "airflow", ("E206", f"{P}.steps[1].for_each.parallelism")),
    ("number item",
     lambda p: p["parameters"]["segments"].update(default=["eu", 3]),
     "kubeflow", ("E332", f"{P}.parameters.segments.default[1]")),
    ("object item",
     lambda p: p["parameters"]["segments"].update(default=[{"lr": "0.1"}]),
     "airflow", ("E332", f"{P}.parameters.segments.default[0]")),
    ("list default of a string",
     lambda p: p["parameters"]["lr"].update(type="string", default=["x"]),
     "airflow", ("E332", f"{P}.parameters.lr.default")),
    ("kfp substitutes an item",
     lambda p: p["parameters"]["segments"].update(default=["{{$.inputs.parameters['lr']}}"]),
     "kubeflow", ("E518", f"{P}.parameters.segments.default[0]")),
    ("line break in an item",
     lambda p: p["parameters"]["segments"].update(default=["a\nb"]),
     "airflow", ("E330", f"{P}.parameters.segments.default[0]")),
    ("list result",  # a condition compares a scalar result; `list` is a parameter type only
     lambda p: _step(p, "report").update(args=["$(results.ok)"], results={"ok": "list"}),
     "airflow", ("E205", f"{P}.steps[2].results.ok")),
    ("longer than airflow maps",
     lambda p: p["parameters"]["segments"].update(default=[f"s{i}" for i in range(1025)]),
     "airflow", ("W566", f"{P}.parameters.segments.default")),
]


@pytest.mark.parametrize(("change", "orchestrator", "expected"),
                         [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_validate_reports_fanout_problems(tmp_path, change, orchestrator, expected):
    result, found = run(_edit(spec(orchestrator), change), tmp_path, api.validate)
    assert expected in found, sorted(found)
    finding = next(d for d in result.diagnostics if d.code == expected[0])
    assert finding.span is not None  # at the user's line
    if expected[0] != "W566":
        assert result.blocked()


def test_clean_fanout_validates(tmp_path):
    for orchestrator in ("kubeflow", "airflow"):
        _, found = run(spec(orchestrator), tmp_path, api.validate)
        assert not [c for c, _ in found if c[0] == "E" or c in ("W320", "W566")], found


def test_kubeflow_parallel_for(tmp_path):
    result, found = run(spec("kubeflow", KFP_HOSTILE), tmp_path, targets=("kubeflow",))
    assert not result.blocked() and result.artifacts, found
    content = outputs(result)["kubeflow/seg-train.yaml"]
    ir = reload(content, tmp_path)
    loop = ir["tasks"]["for-loop-1"]
    assert loop["parameterIterator"] == {"itemInput": "pipelinechannel--segments-loop-item",
                                         "items": {"inputParameter": "pipelinechannel--segments"}}
    assert loop["iteratorPolicy"] == {"parallelismLimit": 2}
    assert loop["inputs"]["parameters"]["pipelinechannel--segments"] == {
        "componentInputParameter": "segments"}
    assert loop["dependentTasks"] == ["prepare"]  # the artifact it reads
    assert ir["tasks"]["report"]["dependentTasks"] == ["for-loop-1"]  # waits for every item
    assert set(ir["tasks"]) == {"prepare", "for-loop-1", "report"}
    sub = ir["components"]["comp-for-loop-1"]
    train = sub["dag"]["tasks"]["train"]
    assert train["inputs"]["parameters"]["item"] == {
        "componentInputParameter": "pipelinechannel--segments-loop-item"}
    assert train["inputs"]["artifacts"]["data"] == {
        "componentInputArtifact": "pipelinechannel--prepare-data"}
    assert sub["inputDefinitions"]["parameters"]["pipelinechannel--segments-loop-item"] == {
        "parameterType": "STRING"}
    assert ir["components"]["comp-train"]["inputDefinitions"]["parameters"]["item"] == {
        "parameterType": "STRING"}
    args = ir["executors"]["exec-train"]["container"]["args"]
    assert args[0] == '{"Concat": ["--segment=", "{{$.inputs.parameters[\'item\']}}"]}'
    assert args[3] == "{{$.inputs.parameters['item']}}"
    # The hostile items come back from kfp exactly as written, as the parameter's default.
    segments = ir["inputs"]["parameters"]["segments"]
    assert segments["parameterType"] == "LIST" and segments["defaultValue"] == KFP_HOSTILE
    text = content.decode()
    first = next(yaml.safe_load_all(text))  # kfp's comment block holds the items as a repr
    assert first["root"]["inputDefinitions"]["parameters"]["segments"][
        "defaultValue"] == KFP_HOSTILE


def test_kubeflow_unlimited_parallelism(tmp_path):
    document = _edit(spec("kubeflow"), lambda p: _step(p, "train")["for_each"].pop("parallelism"))
    result, found = run(document, tmp_path, targets=("kubeflow",))
    assert not result.blocked() and result.artifacts, found
    loop = reload(outputs(result)["kubeflow/seg-train.yaml"], tmp_path)["tasks"]["for-loop-1"]
    assert "iteratorPolicy" not in loop


def _migrated_home(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(AIRFLOW_HOME=str(home), AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"),
               AIRFLOW__CORE__LOAD_EXAMPLES="False", AIRFLOW__LOGGING__LOGGING_LEVEL="ERROR")
    migrate = subprocess.run([str(Path(airflow_python()).parent / "airflow"), "db", "migrate"],
                             env=env, capture_output=True, text=True, timeout=300, check=False)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    return home, env


def _airflow_run(home: Path, env: dict[str, str], conf: dict | None = None) -> dict:
    command = [airflow_python(), str(HELPER), str(home / "dags"), "seg-train"]
    done = subprocess.run(command + ([json.dumps(conf)] if conf else []), env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_airflow_dynamic_task_mapping(tmp_path):
    result, found = run(spec("airflow", HOSTILE), tmp_path, targets=("airflow",))
    assert not result.blocked() and result.artifacts, found
    home, env = _migrated_home(tmp_path)
    (home / "dags" / "seg-train.py").write_bytes(outputs(result)["airflow/dags/seg-train.py"])

    found = _airflow_run(home, env)
    assert found["import_errors"] == {}
    assert found["mapped"] == {"train": {
        "operator": "KubernetesPodOperator", "expand_input": "DictOfListsExpandInput",
        "expands": {"params": {"kind": "PlainXComArg", "from_task": "train__items"}},
        "max_active_tis_per_dagrun": 2, "upstream": ["train__items"],
        "partial_arguments": [
            '{{ "--segment=" ~ params["mlopsc.item"] }}', "--lr",
            '{{ params["lr"] }}', '{{ params["mlopsc.item"] }}']}}
    assert found["schema"]["segments"] == {"type": "array", "items": {"type": "string"}}
    # One instance per item, each given its own item exactly (Jinja markers included);
    # the pods themselves cannot start without a cluster.
    mapped = [i for i in found["instances"] if i[0] == "train"]
    assert [i[1] for i in mapped] == list(range(len(HOSTILE)))
    assert ["train__items", -1, "success"] in found["instances"]
    rendered = {index: args for task, index, args in found["rendered"] if task == "train"}
    assert rendered == {i: [f"--segment={item}", "--lr", "0.1", item]
                        for i, item in enumerate(HOSTILE)}
    # A run's own list (run conf) is what it fans out over.
    again = _airflow_run(home, env, {"segments": ["north", "south", "{{ ds }}"]})
    rendered = {index: args[3] for task, index, args in again["rendered"] if task == "train"}
    assert rendered == {0: "north", 1: "south", 2: "{{ ds }}"}
    # An empty list maps to no instance: Airflow skips the step and the step after it.
    empty = _airflow_run(home, env, {"segments": []})
    states = {task: state for task, index, state in empty["instances"] if task != "prepare"}
    assert states == {"train__items": "success", "train": "skipped", "report": "skipped"}


def _gated(orchestrator: str) -> dict:
    """`train` fans out after `gate`, which runs only when `check`'s result `ok` is true."""
    def change(p):
        p["steps"][1:1] = [
            {"name": "check", "image": IMAGE, "args": ["--ok", "$(results.ok)"],
             "results": {"ok": "boolean"}, "resources": RESOURCES},
            {"name": "gate", "image": IMAGE, "args": ["--go"], "after": ["check"],
             "when": {"step": "check", "result": "ok", "equals": True},
             "resources": RESOURCES}]
        _step(p, "train")["after"] = ["gate"]
    return _edit(spec(orchestrator), change)


def test_fanout_under_a_condition(tmp_path):
    result, found = run(_gated("kubeflow"), tmp_path, targets=("kubeflow",))
    assert not result.blocked() and result.artifacts, found
    ir = reload(outputs(result)["kubeflow/seg-train.yaml"], tmp_path)
    # The loop sits in the condition's group, beside the gated step.
    groups = [c["dag"]["tasks"] for c in ir["components"].values()
              if any(name.startswith("for-loop") for name in c.get("dag", {}).get("tasks", {}))]
    assert len(groups) == 1 and "gate" in groups[0]
    assert not any(name.startswith("for-loop") for name in ir["tasks"])
    loop = next(t for name, t in groups[0].items() if name.startswith("for-loop"))
    assert loop["iteratorPolicy"] == {"parallelismLimit": 2}

    result, found = run(_gated("airflow"), tmp_path, targets=("airflow",))
    assert not result.blocked() and result.artifacts, found
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "seg-train.py").write_bytes(outputs(result)["airflow/dags/seg-train.py"])
    check = subprocess.run([airflow_python(), "-c", _DAGBAG, str(folder)], capture_output=True,
                           text=True, timeout=300, check=False)
    assert check.returncode == 0, check.stderr[-3000:]
    found = json.loads(check.stdout.strip().splitlines()[-1])
    assert found["errors"] == {}
    assert found["train"] == ["MappedOperator", ["gate", "train__items"]]


_DAGBAG = """
import json, os, sys, tempfile, warnings
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp())
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
warnings.simplefilter("ignore")
from airflow.models.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1], include_examples=False, safe_mode=False)
train = bag.dags["seg-train"].get_task("train")
print(json.dumps({"errors": bag.import_errors,
                  "train": [type(train).__name__, sorted(train.upstream_task_ids)]}))
"""
