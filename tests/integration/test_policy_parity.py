"""Engine parity, proven: the default bundle on the real OPA gives what it gives on regorus.

The real OPA is OPA's Go engine (v1.20.2), embedded through the PyPI wheel
``opa-golib-python-bindings`` (pinned in scripts/test.sh; :mod:`mlopsc.policy.opa_embedded`).

- the bundle, tests included, compiles on OPA, and every ``test_`` rule passes on both;
- the examples and a corpus of mutated flagship specs (``parity_corpus.py``) give identical
  findings through the embedded engine and through ``--opa-url`` against a loopback OPA
  Data API server backed by the real OPA (``real_opa.py``);
- each Rego construct the bundle avoids (docs/policies.md, "Engine parity") still splits
  the engines, so the list stays true.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import sys
from pathlib import Path

import pytest
import regorus
import yaml
from parity_corpus import MUTATIONS, mutated
from real_opa import RealOpaServer

from mlopsc import api
from mlopsc.policy.bundle import DEFAULT_BUNDLE, default_bundle_dir, load_bundles
from mlopsc.policy.engine import UNDEFINED
from mlopsc.policy.opa_embedded import OpaEmbeddedEngine, run_bundle_tests
from mlopsc.policy.testing import run_tests

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "mlops.yaml"
EXAMPLES = [FLAGSHIP, *sorted(ROOT.glob("examples/*/mlops.yaml"))]
TODAY = datetime.date(2026, 11, 20)


def test_the_pinned_wheel_runs_on_this_python():
    # The wheel declares Requires-Python >=3.14; its ctypes wrapper loads here all the same.
    meta = importlib.metadata.metadata("opa-golib-python-bindings")
    assert meta["Version"] == "0.4.4"
    assert meta["Requires-Python"] == ">=3.14" and sys.version_info < (3, 14)
    engine = OpaEmbeddedEngine([("a.rego", "package a\n\nx := sum([1, 2]) if input.on\n")])
    assert engine.value("data.a.x", {"on": True}) == 3
    assert engine.value("data.a.x", {"on": False}) is UNDEFINED


def _bundle():
    return load_bundles([(DEFAULT_BUNDLE, default_bundle_dir())], tests=True)


def test_the_bundle_and_its_tests_compile_on_opa():
    engine = OpaEmbeddedEngine.from_bundles(_bundle(), tests=True)
    assert engine.compile_errors() == []


def test_the_bundle_passes_the_strict_mode_checks():
    # OPA v1 makes most strict checks itself (compile_errors above); the rest over its tree.
    engine = OpaEmbeddedEngine.from_bundles(_bundle(), tests=True)
    assert engine.strict_problems() == []


STRICT = """package s

import data.unused.thing
import data.mlopsc.lib
import rego.v1

f(k, _) := 1 if {
	v := 2
	[a, b] := [1, 2]
	b > 0
}

r contains q if {
	some q in input.xs
	w := [p | p := q; extra := p]
	count(w) > lib.n
}
"""


def test_opa_v1_and_the_strict_checks_reject_what_opa_strict_rejects():
    engine = OpaEmbeddedEngine([("s.rego", STRICT)])
    assert engine.strict_problems() == [
        "s.rego: import thing unused", "s.rego: rule f: assigned var a unused",
        "s.rego: rule f: assigned var v unused",
        "s.rego: rule f: unused argument k (use _ instead)",
        "s.rego: rule r: assigned var extra unused"]
    for bad in ("import data.x\nimport data.x\n", "r if { input := 1; input }\n",
                'r if re_match("a", "a")\n', "r if { some y; true }\n"):
        assert OpaEmbeddedEngine([("b.rego", f"package b\n\n{bad}")]).compile_errors(), bad


def test_opa_rejects_what_it_should():
    # compile_errors() can fail: the recursion the old config.rego had, on OPA's compiler.
    engine = OpaEmbeddedEngine([("c.rego", 'package c\n\norg := object.get(data, "org", {})\n')])
    errors = engine.compile_errors()
    assert len(errors) == 1 and "rego_recursion_error" in errors[0]


def test_the_bundle_tests_pass_on_both_engines():
    on_opa = run_bundle_tests(_bundle())
    on_regorus = run_tests()
    assert [c for c in on_opa if not c.passed] == []
    assert on_regorus.ok, on_regorus.failed
    assert {(c.file, c.name) for c in on_opa} == {(c.file, c.name) for c in on_regorus.cases}
    assert len(on_opa) > 90


@pytest.fixture(scope="module")
def server():
    with RealOpaServer() as running:
        yield running


def _outcome(result) -> dict:
    """Everything the policy gate decided: findings (code, severity, path, message, span),
    and the per-subject results, waivers and tiers of the governance report."""
    policy = result.compilation.policy if result.compilation else None
    found = sorted((d.code, str(d.severity), d.path, d.message, str(d.span), d.hint or "")
                   for d in result.diagnostics)
    return {"findings": found,
            "results": policy and policy.results, "waivers": policy and policy.waivers,
            "disabled": policy and policy.disabled, "tiers": policy and policy.tiers}


def _differential(spec: Path, server: RealOpaServer) -> dict:
    embedded = api.validate(api.Options(spec=str(spec), today=TODAY), targets=False)
    before = len(server.requests)
    remote = api.validate(api.Options(spec=str(spec), today=TODAY, opa_url=server.url),
                          targets=False)
    if embedded.compilation and embedded.compilation.policy:
        assert remote.compilation.policy.engine == "opa"
        assert len(server.requests) > before  # the gate did ask the real OPA
    assert _outcome(remote) == _outcome(embedded)
    return _outcome(embedded)


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT).parent))
def test_examples_give_identical_findings_on_both_engines(spec, server):
    _differential(spec, server)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutated_specs_give_identical_findings_on_both_engines(name, server, tmp_path):
    spec = tmp_path / "mlops.yaml"
    spec.write_text(yaml.safe_dump(mutated(yaml.safe_load(FLAGSHIP.read_text()), name),
                                   sort_keys=False))
    outcome = _differential(spec, server)
    expected = MUTATIONS[name][1]
    codes = {code for code, *_ in outcome["findings"]}
    assert expected is None or expected in codes, sorted(codes)


# (No allowed_registries: mlopsc checks the spec's own list against it in Python, E409,
# which only the embedded run can do, since --data is not sent to an OPA server.)
ORG = {"max_retries": 1, "canary_max_first_weight": 2, "min_production_replicas": 4,
       "risk_tiers": {"high": {"approvals": 3}}}


def test_organisation_data_gives_identical_findings_on_both_engines(tmp_path):
    org = tmp_path / "org.json"
    org.write_text(json.dumps(ORG))
    embedded = api.validate(api.Options(spec=str(FLAGSHIP), today=TODAY,
                                        data_files=(str(org),)), targets=False)
    with RealOpaServer(data=ORG) as server:
        remote = api.validate(api.Options(spec=str(FLAGSHIP), today=TODAY,
                                          opa_url=server.url), targets=False)
    assert _outcome(remote) == _outcome(embedded)
    codes = {code for code, *_ in _outcome(embedded)["findings"]}
    assert {"PIPE-004", "DEP-003", "DEP-002", "GOV-003"} <= codes
    assert remote.compilation.policy.tiers["high"]["approvals"] == 3


# Each construct the bundle avoids, with an input on which the two engines disagree. When an
# engine changes and a case stops disagreeing, this fails: update docs/policies.md.
DIVERGENT = {
    "whole-data": ('package p\n\norg := object.get(data, "org", {})\n', "org", {}),
    "negated-inequality": ("package p\n\nr if not input.f.x != null\n", "r", {"f": {}}),
    "else-after-undefined-head": (
        'package p\n\nt := {"a": 1}\n\nf(k) := t[k] if k != "" else := 0\n\nr := f("b")\n',
        "r", {}),
}


def _regorus_value(source: str, rule: str, doc: dict):
    engine = regorus.Engine()
    engine.add_policy("p.rego", source)
    engine.set_input_json(json.dumps(doc))
    try:
        text = engine.eval_rule_as_json(f"data.p.{rule}")
    except RuntimeError as error:
        return f"error: {error}"
    return "undefined" if text == '"<undefined>"' else json.dumps(json.loads(text))


def _opa_value(source: str, rule: str, doc: dict):
    engine = OpaEmbeddedEngine([("p.rego", source)])
    errors = engine.compile_errors()
    if errors:
        return f"error: {errors}"
    value = engine.value(f"data.p.{rule}", doc)
    return "undefined" if value is UNDEFINED else json.dumps(value)


@pytest.mark.parametrize("case", sorted(DIVERGENT))
def test_each_avoided_construct_splits_the_engines(case):
    source, rule, doc = DIVERGENT[case]
    assert _regorus_value(source, rule, doc) != _opa_value(source, rule, doc)
