"""A target is one folder: it declares its name, settings, orchestrators, codes and docs
(TargetDeclaration), the registry reads the declarations without importing the emitters,
and adding a built-in target takes one row of BUILTIN_TARGETS."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from mlopsc import codes, registry
from mlopsc.codes import Code
from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_orchestrators import check_orchestrators
from mlopsc.spec import Spec
from mlopsc.spec.pipelines import BUILTIN_ORCHESTRATORS
from mlopsc.target import Artifact, Setting, Target, TargetDeclaration

ROOT = Path(__file__).resolve().parents[2]

HELLO = TargetDeclaration(
    name="hello", description="one greeting per pipeline",
    emitter="test_registry_declarations:HelloTarget",
    settings={"greeting": Setting("what to say", choices=("hello", "hi"))},
    orchestrators=("hello-flow",),
    codes=(Code("N599", "greeted", "A pipeline was greeted.", "nothing to do"),),
    docs="docs/writing-a-target.md")


class HelloTarget:
    declaration: ClassVar[TargetDeclaration] = HELLO

    def emit(self, ir, options, diagnostics):
        return [Artifact(f"{p.name}.txt", b"hello\n") for p in ir.pipelines]


def _clear() -> None:
    registry.declaration.cache_clear()
    registry._plugins.cache_clear()
    codes._table.cache_clear()


@pytest.fixture
def hello_row(monkeypatch) -> Iterator[None]:
    """One more row in the built-in table, and nothing else."""
    monkeypatch.setitem(registry.BUILTIN_TARGETS, "hello", "test_registry_declarations:HELLO")
    _clear()
    yield
    monkeypatch.delitem(registry.BUILTIN_TARGETS, "hello")
    _clear()


def _spec(orchestrator: str) -> Spec:
    return Spec.model_validate({
        "apiVersion": "mlopsc/v1", "metadata": {"name": "x"},
        "pipelines": {"p": {"orchestrator": orchestrator,
                            "steps": [{"name": "s", "image": "busybox:1.36"}]}}})


@pytest.mark.parametrize("name", sorted(registry.BUILTIN_TARGETS))
def test_each_builtin_declares_itself_in_its_folder(name):
    declared = registry.declaration(name)
    package = registry.BUILTIN_TARGETS[name].partition(":")[0]
    assert declared.name == name
    assert declared.emitter.startswith(f"{package}.")
    assert (ROOT / declared.docs).is_file()
    target = registry.load(name)
    assert isinstance(target, Target) and target.declaration is declared
    if declared.codes:  # the codes live beside the target, in its codes.py
        assert declared.codes is importlib.import_module(f"{package}.codes").CODES
    assert not any(900 <= int(row.code[1:]) <= 999 for row in declared.codes)


def test_builtin_orchestrators():
    claims = {name: registry.declaration(name).orchestrators
              for name in registry.BUILTIN_TARGETS}
    assert {o: n for n, os in claims.items() for o in os} == {
        "kubeflow": "kubeflow", "airflow": "airflow"}
    # The JSON Schema's examples are the built-in claims.
    assert sorted(BUILTIN_ORCHESTRATORS) == sorted(o for os in claims.values() for o in os)
    schema = json.loads((ROOT / "schema/mlopsc-v1.json").read_text())
    field = schema["$defs"]["Pipeline"]["properties"]["orchestrator"]
    assert field["type"] == "string" and "enum" not in field
    assert field["examples"] == list(BUILTIN_ORCHESTRATORS)


def test_every_target_code_is_in_the_table_under_its_target():
    table = codes.own_table()
    for name in registry.BUILTIN_TARGETS:
        for row in registry.declaration(name).codes:
            assert table[row.code] == (name, row)


def test_declarations_import_no_emitter():
    probe = ("import sys; from mlopsc import registry, codes; codes.table(); "
             "registry.check_settings({'kubeflow.gpu-node-label': 'a/b'}); "
             "print(sorted(m for m in sys.modules if m.endswith('.target') "
             "or m in ('kfp', 'jinja2', 'mlopsc_inventory.argo')))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "['mlopsc.target']"


def test_one_row_adds_a_target(hello_row):
    assert registry.available()["hello"] == "builtin"
    assert registry.orchestrators()["hello-flow"] == ("hello",)
    assert codes.table()["N599"][0] == "hello"
    assert codes.own_table()["N599"][0] == "hello"  # a built-in: documented
    registry.check_settings({"hello.greeting": "hi"})
    with pytest.raises(registry.SettingError, match="must be one of hello, hi"):
        registry.check_settings({"hello.greeting": "hey"})
    bag = Diagnostics()
    check_orchestrators(_spec("hello-flow"), None, bag)
    assert list(bag) == []  # a built-in claims it: no W334
    assert isinstance(registry.load("hello"), HelloTarget)


def test_unclaimed_orchestrator_is_e333_with_did_you_mean():
    bag = Diagnostics()
    check_orchestrators(_spec("airflw"), None, bag)
    (found,) = bag
    assert (found.code, found.path, found.hint) == (
        "E333", "pipelines.p.orchestrator", "did you mean 'airflow'?")
    assert found.message == "pipeline 'p': no target runs orchestrator 'airflw'"


def test_plugin_only_orchestrator_is_w334_unless_targets_are_named(monkeypatch):
    monkeypatch.setattr(registry, "orchestrators", lambda: {"hello-flow": ("hello",)})
    bag = Diagnostics()
    check_orchestrators(_spec("hello-flow"), None, bag)
    assert [d.code for d in bag] == ["W334"]
    named = Diagnostics()
    check_orchestrators(_spec("hello-flow"), ("hello",), named)
    assert list(named) == []


@pytest.mark.parametrize("builtin,code,expected", [
    (True, "W901", "a code in a plugin's range"),
    (False, "W501", "a code in mlopsc's own range"),
])
def test_code_ranges_are_enforced(builtin, code, expected):
    declared = TargetDeclaration("x", "x", "x:X", codes=(Code(code, "t", "e", "h"),))
    with pytest.raises(registry.TargetLoadError, match=expected):
        registry._check_declaration("x", declared, builtin=builtin)


def test_a_declaration_must_carry_its_row_name():
    with pytest.raises(registry.TargetLoadError, match="declares the name 'hello'"):
        registry._check_declaration("other", HELLO, builtin=True)


@pytest.mark.parametrize("fields,message", [
    ({"name": "Hello"}, "target name 'Hello' must be a DNS-1123 label"),
    ({"orchestrators": ("argo workflows",)}, "orchestrator name 'argo workflows'"),
    ({"emitter": "hello.HelloTarget"}, "is not 'module:Class'"),
])
def test_malformed_declarations_are_refused(fields, message):
    base = {"name": "hello", "description": "d", "emitter": "m:C", **fields}
    with pytest.raises(ValueError, match=message):
        TargetDeclaration(**base)
