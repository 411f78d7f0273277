"""Injection: hostile text through every free-text field reaches Airflow unchanged.

Quotes, triple quotes, backslashes, newlines, Jinja markers (``{{ var.value.x }}``,
``{{ macros.datetime.now() }}``, ``{% for %}``), ``#``, unicode and code fragments go
through the spec model, lowering and the target (the spec's own checks, which refuse some
of these characters in some fields, are left out: this file is about what the target does
with whatever reaches it); Airflow's DagBag must import the file, and every value must equal
the spec's, including what Jinja renders at run time: the check script calls each task's
``render_template_fields`` as a worker does before the pod starts.
"""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from test_airflow import dagbag, write_dags

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.lower import lower
from mlopsc.registry import load
from mlopsc.spec import Spec
from mlopsc.target import EmitOptions

NASTY = ("q'uo\"te '''tri\"\"\" back\\slash \\n\\\\ new\nline\r\ncr {{ dag }} {% if x %} "
         "{# c #} }} # hash \u00fcn\u00ef \u2603 \U0001d11e \u2028 tab\t\"); import os; "
         "os._exit(3)  # ''')\n'''\"\"\"")
# Each hazard alone too: mixed with a Jinja marker a value is always wrapped in literal(),
# so a hazard that only Jinja's newline handling changes would go unnoticed in NASTY.
FRAGMENTS = ["'", '"', "'''", '"""', "\\", "\\n", "new\nline", "trailing\n", "crlf\r\n",
             "cr\rcr", "{{ dag }}", "{% if x %}", "{# c #}", "}}", "{", "#", "# hash", "",
             "\u00fcn\u00ef \u2603 \U0001d11e", "\u2028", "\x85", "\t", "  padded  ",
             '"); import os; os._exit(3)  #', "''')\n'''", "{{ params.text }}", "$", "$(x",
             "{{ var.value.secret }}", "{{ macros.datetime.now() }}", "{% for %}",
             "{% for x in [1, 2] %}{{ x }}{% endfor %}", "{{ conn.default.password }}",
             "{% raw %}{{ x }}{% endraw %}", "{{ ''.__class__.__mro__ }}"]
TAIL = "tail\r\n"
# Airflow caps a tag at 100 characters.
NASTY_TAG = "t'\"\\{{ x }}#\u2603\n" * 6
RESOURCES = {"cpu": "1", "memory": "1Gi"}
IMAGE = "ghcr.io/acme/x@sha256:" + "a" * 64


def hostile_spec(orchestrator: str) -> dict:
    """A valid spec whose every free-text value is NASTY (names stay valid identifiers)."""
    step = {
        "name": "first", "display_name": NASTY, "description": NASTY, "image": IMAGE,
        "command": [NASTY, *FRAGMENTS, "python"],
        "args": [NASTY, f"--lr={NASTY}$(params.lr)${NASTY}", "$(params.text)",
                 "$(params.tail)", "--out", f"{NASTY}$(outputs.result)", *FRAGMENTS],
        "env": {"LITERAL": NASTY, "SECRET": {"secret": "s3cret", "key": "tok"},
                **{f"FRAGMENT_{i:02}": text for i, text in enumerate(FRAGMENTS)}},
        "node_selector": {"example.com/pool": "gpu", "example.com/hostile": NASTY},
        "outputs": ["result"],
        "retries": {"limit": 2, "backoff": "30s"}, "timeout": "10m", "resources": dict(RESOURCES),
    }
    second = {"name": "second", "image": IMAGE, "command": ["run"], "resources": dict(RESOURCES),
              "args": [f"{NASTY}$(inputs.data)"], "inputs": {"data": "first.result"}}
    return {
        "apiVersion": "mlopsc/v1",
        "metadata": {"name": "hostile", "owner": NASTY},
        "datasets": {"events": {"owner": NASTY, "version": "1.0.0", "location": NASTY,
                                "fields": [{"name": "id", "type": "string"}]}},
        "pipelines": {"hostile": {
            "owner": NASTY, "description": NASTY, "orchestrator": orchestrator,
            "schedule": "5 4 * * *", "tags": [NASTY_TAG, "plain"],
            "triggers": [{"type": "data_change", "dataset": "events"}],
            "parameters": {"lr": {"type": "float", "default": 0.5, "description": NASTY},
                           "text": {"type": "string", "default": NASTY},
                           "tail": {"type": "string", "default": TAIL}},
            "inputs": [{"dataset": "events"}],
            "steps": [step, second], "timeout": "1h"}},
    }


def emit_target(spec: dict, target: str, settings=None):
    """(artifacts under ``<target>/``, diagnostics) of one target for a spec given as data."""
    text = yaml.safe_dump(spec, allow_unicode=False)  # as a file would hold it
    assert yaml.safe_load(text) == spec
    ir_ = lower(Spec.model_validate(yaml.safe_load(text)))
    bag = Diagnostics()
    options = EmitOptions("0.0.0", "mlops.yaml", settings or {})
    artifacts = load(target).emit(ir_, options, bag)
    return [dataclasses.replace(a, path=f"{target}/{a.path}") for a in artifacts], bag.sorted()


def compile_hostile(tmp_path, orchestrator: str, target: str, settings=None):
    artifacts, diagnostics = emit_target(hostile_spec(orchestrator), target, settings)
    assert not [d for d in diagnostics if d.code.startswith("E")], diagnostics
    return artifacts


@pytest.fixture(scope="module")
def hostile_dag(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    artifacts = compile_hostile(tmp, "airflow", "airflow",
                                {"airflow.artifact-root": "/mnt/artifacts.v1/_-"})
    write_dags(artifacts, tmp / "out")
    return dagbag(tmp / "out" / "airflow" / "dags")


@pytest.mark.integration
def test_hostile_dag_imports(hostile_dag):
    assert hostile_dag["import_errors"] == {}
    assert list(hostile_dag["dags"]) == ["hostile"]
    assert list(hostile_dag["dags"]["hostile"]["tasks"]) == ["first", "second"]


FIELDS = [
    ("doc_md", lambda d: d["doc_md"], NASTY),
    ("tags", lambda d: d["tags"], sorted([NASTY_TAG, "plain"])),
    ("owner", lambda d: d["tasks"]["first"]["owner"], NASTY),
    ("param default", lambda d: d["params"]["text"], NASTY),
    ("param default, trailing newline", lambda d: d["params"]["tail"], TAIL),
    ("param description", lambda d: d["param_descriptions"]["lr"], NASTY),
    ("display name", lambda d: d["tasks"]["first"]["display_name"], NASTY),
    ("task doc", lambda d: d["tasks"]["first"]["doc_md"], NASTY),
    ("command", lambda d: d["tasks"]["first"]["cmds"], [NASTY, *FRAGMENTS, "python"]),
    ("arguments", lambda d: d["tasks"]["first"]["arguments"],
     [NASTY, f"--lr={NASTY}0.5${NASTY}", NASTY, TAIL, "--out",
      f"{NASTY}/mnt/artifacts.v1/_-/hostile/RUN/first/result", *FRAGMENTS]),
    ("input path", lambda d: d["tasks"]["second"]["arguments"],
     [f"{NASTY}/mnt/artifacts.v1/_-/hostile/RUN/first/result"]),
    ("env", lambda d: {e["name"]: e["value"] if e["secret"] is None else e["secret"]
                       for e in d["tasks"]["first"]["env"]},
     {"LITERAL": NASTY, "SECRET": ["s3cret", "tok"],
      **{f"FRAGMENT_{i:02}": text for i, text in enumerate(FRAGMENTS)}}),
    ("node selector", lambda d: d["tasks"]["first"]["node_selector"],
     {"example.com/hostile": NASTY, "example.com/pool": "gpu"}),
    ("asset", lambda d: d["schedule"]["assets"], [["events", "mlopsc://datasets/events"]]),
    ("cron", lambda d: d["schedule"]["cron"], "5 4 * * *"),
    ("graph", lambda d: d["tasks"]["second"]["upstream"], ["first"]),
]


@pytest.mark.integration
@pytest.mark.parametrize(("field", "read", "expected"), FIELDS, ids=[f[0] for f in FIELDS])
def test_values_arrive_unchanged(hostile_dag, field, read, expected):
    assert read(hostile_dag["dags"]["hostile"]) == expected


def load_variant(tmp_path, change) -> dict:
    """The hostile spec changed by ``change(spec)``, emitted for Airflow, in the DagBag."""
    spec = hostile_spec("airflow")
    change(spec)
    artifacts, _ = emit_target(spec, "airflow")
    write_dags(artifacts, tmp_path / "out")
    return dagbag(tmp_path / "out" / "airflow" / "dags")


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["file", "folder"])
def test_description_naming_a_markdown_file(tmp_path, kind):
    """Airflow reads a DAG doc_md ending in .md as a file: the description must not be
    replaced by a file's text, nor break the import when it names a folder."""
    target = tmp_path / "notes.md"
    if kind == "file":
        target.write_text("SECRET")
    else:
        target.mkdir()
    loaded = load_variant(tmp_path, lambda spec: spec["pipelines"]["hostile"].update(
        description=str(target)))
    assert loaded["import_errors"] == {}
    assert loaded["dags"]["hostile"]["doc_md"] == f"{target}\n"


@pytest.mark.integration
@pytest.mark.parametrize(("location", "uri"), [
    ("airflow://reserved/x", "mlopsc://datasets/events"),
    ("s3://user:pw@bucket/x", "mlopsc://datasets/events"),
    ("s3://bucket/x#part", "mlopsc://datasets/events"),
    ("s3://bucket/x?v=1", "s3://bucket/x?v=1"),
])
def test_dataset_location_airflow_would_change(tmp_path, location, uri):
    """A location Airflow would refuse (its reserved scheme) or rewrite (user info,
    fragment) is not the asset's URI."""
    loaded = load_variant(tmp_path, lambda spec: spec["datasets"]["events"].update(
        location=location))
    assert loaded["import_errors"] == {}
    assert loaded["dags"]["hostile"]["schedule"]["assets"] == [["events", uri]]


@pytest.mark.integration
def test_resource_values_are_not_rendered(tmp_path):
    """``container_resources`` is a templated field too (its requests and limits): a value
    with Jinja markers (the spec refuses it as a quantity; the target must still not let
    Airflow render it) reaches the pod as written."""
    text = "{{ var.value.secret }}"
    loaded = load_variant(tmp_path, lambda spec: spec["pipelines"]["hostile"]["steps"][0].update(
        resources={"cpu": text, "memory": "1Gi", "cpu_limit": "{% for %}"}))
    assert loaded["import_errors"] == {}
    task = loaded["dags"]["hostile"]["tasks"]["first"]
    assert task["requests"] == {"cpu": text, "memory": "1Gi"}
    assert task["limits"] == {"cpu": "{% for %}", "memory": "1Gi"}
