"""Speed of the governance outputs on a synthetic spec of 1,000 models.

Run with ``pytest benchmarks/bench_governance.py``. Targets: report (JSON + Markdown) and
its diff against itself well under the time of lowering (< 0.5 s); every model card < 1 s.
"""

from __future__ import annotations

import datetime

import pytest
from synth import make_spec

from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.governance import build_report, diff_reports
from mlopsc.governance.output import dump_json
from mlopsc.governance.report_md import render_markdown
from mlopsc.target import EmitOptions
from mlopsc.targets.model_card import ModelCardTarget

TODAY = datetime.date(2026, 11, 15)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    spec = tmp_path_factory.mktemp("synth") / "mlops.yaml"
    spec.write_text(make_spec(1000))
    c = run(Options(spec=str(spec), today=TODAY), until="policy")
    assert c.ir is not None and len(c.ir.models) == 1000
    return c


def test_report_1000_models(benchmark, compiled):
    def once():
        report = build_report(compiled.ir, compiled.policy, TODAY)
        return dump_json(report), render_markdown(report)

    benchmark(once)


def test_report_diff_1000_models(benchmark, compiled):
    report = build_report(compiled.ir, compiled.policy, TODAY)
    assert not benchmark(diff_reports, report, report)


def test_model_cards_1000_models(benchmark, compiled):
    options = EmitOptions(version="0", spec_name="mlops.yaml",
                          context={"lineage": compiled.lineage, "policy": None, "today": TODAY})
    artifacts = benchmark(ModelCardTarget().emit, compiled.ir, options, Diagnostics())
    assert len(artifacts) == 2001
