"""Speed of the policy gate: the default bundle over a 1,000-model synthetic spec.

Run with ``pytest benchmarks/bench_policy.py``; figures go in docs/performance.md.
Budget: evaluating the default bundle over 1,000 models under 0.5 s. Measured in parts, so
the engine's share is visible: writing the input as JSON (what the gate hands regorus; the
same document as Python data, which the OPA engine sends, beside it), regorus reading it,
evaluating every decision (the engine), the rule x subject results, and the whole gate
(bundle parse, input, engine, findings, waivers, results).
"""

from __future__ import annotations

import datetime
import gc
import json

import pytest

from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.policy import GateOptions, run_gate
from mlopsc.policy.bundle import DEFAULT_BUNDLE, default_bundle_dir, load_bundles
from mlopsc.policy.findings import results
from mlopsc.policy.input_doc import input_document, input_json
from mlopsc.policy.regorus_engine import RegorusEngine

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(scope="module")
def ir_1000(synthetic_spec):
    compilation = run(Options(spec=str(synthetic_spec(1000))), until="lower")
    assert len(compilation.ir.models) == 1000
    return compilation.ir


@pytest.fixture(scope="module")
def bundles():
    return load_bundles([(DEFAULT_BUNDLE, default_bundle_dir())])


def _gc_off(fn, *args):
    # The driver runs every pass with the garbage collector off; so does this.
    gc.disable()
    try:
        return fn(*args)
    finally:
        gc.enable()


def test_input_json_1000(benchmark, ir_1000):
    text = benchmark.pedantic(_gc_off, args=(input_json, ir_1000), rounds=5, iterations=1)
    assert len(json.loads(text)["models"]) == 1000


def test_input_document_1000(benchmark, ir_1000):
    doc = benchmark.pedantic(_gc_off, args=(input_document, ir_1000), rounds=5, iterations=1)
    assert len(doc["models"]) == 1000


def test_engine_set_input_1000(benchmark, ir_1000, bundles):
    text = input_json(ir_1000)
    engine = RegorusEngine(bundles, {})._engine
    benchmark.pedantic(_gc_off, args=(engine.set_input_json, text), rounds=5, iterations=1)


def test_engine_decisions_1000(benchmark, ir_1000, bundles):
    """The engine's share: every deny/warn decision of the default bundle, input already set."""
    engine = RegorusEngine(bundles, {})._engine
    engine.set_input_json(input_json(ir_1000))
    decisions = [name for name, _ in bundles.decisions()]

    def evaluate():
        return [engine.eval_rule_as_json(name) for name in decisions]

    values = benchmark.pedantic(_gc_off, args=(evaluate,), rounds=5, iterations=1,
                                warmup_rounds=1)
    assert all(json.loads(v) == [] for v in values)  # the synthetic spec is compliant


def test_rule_results_1000(benchmark, ir_1000, bundles):
    """Reporting: one pass/fail result per rule and subject (for the governance report)."""
    out = benchmark.pedantic(_gc_off, args=(results, bundles.rules, [], ir_1000, set()),
                             rounds=5, iterations=1)
    assert len(out) > 70_000 and {r.status for r in out} == {"pass"}


def test_whole_gate_1000(benchmark, ir_1000):
    def gate():
        bag = Diagnostics()
        return run_gate(ir_1000, bag, GateOptions(today=TODAY)), bag

    result, bag = benchmark.pedantic(_gc_off, args=(gate,), rounds=3, iterations=1)
    assert len(bag) == 0
    assert {r.status for r in result.results} == {"pass"}
