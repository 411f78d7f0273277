"""`mlopsc report` and `mlopsc report diff` on the command line: outputs and exit codes."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from golden_tree import GOLDEN_ROOT

from mlopsc.cli import main

FLAGSHIP = ROOT / "mlops.yaml"
TODAY = ["--today", "2026-11-15"]


def test_report_json_is_the_compiled_report(capsys):
    assert main(["report", str(FLAGSHIP), "--format", "json", *TODAY]) == 0
    golden = json.loads((GOLDEN_ROOT / "flagship/governance/report.json").read_text())
    golden.pop("$schema")  # only the compiled file has the schema beside it
    assert json.loads(capsys.readouterr().out) == golden


def test_report_markdown_to_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.md"
    assert main(["report", "-o", str(out), *TODAY]) == 0  # SPEC defaults to ./mlops.yaml
    assert capsys.readouterr().out == ""
    assert out.read_bytes() == (GOLDEN_ROOT / "flagship/governance/report.md").read_bytes()


def test_diff_of_two_specs(tmp_path, capsys):
    new = tmp_path / "new.yaml"
    new.write_text(FLAGSHIP.read_text().replace("    risk_tier: high\n", "    risk_tier: medium\n"))
    assert main(["report", "diff", str(FLAGSHIP), str(new), *TODAY]) == 0
    assert capsys.readouterr().out == (
        "model fraud-detector: risk tier high → medium\n"
        "model fraud-detector: approvals required 2 → 1\n"
        "model fraud-detector: approver roles required compliance, risk → none\n")


def test_diff_of_a_report_and_a_spec_in_markdown(tmp_path, capsys):
    old = GOLDEN_ROOT / "flagship/governance/report.json"
    assert main(["report", "diff", str(old), str(FLAGSHIP), "--format", "md", *TODAY]) == 0
    assert capsys.readouterr().out == "## Governance changes\n\nNo governance changes.\n"


@pytest.mark.parametrize("argv, message", [
    (["report", "diff", "only-one"], "usage: mlopsc report diff OLD NEW"),
    (["report", "a.yaml", "b.yaml"], "did you mean `mlopsc report diff OLD NEW`?"),
    (["report", "diff", "missing.json", "missing.yaml"], "missing.json: no such file"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_json_that_is_not_a_report_exits_2(tmp_path, capsys):
    (tmp_path / "x.json").write_text('{"a": 1}')
    assert main(["report", "diff", str(tmp_path / "x.json"), str(FLAGSHIP)]) == 2
    assert "not a governance report" in capsys.readouterr().err


def test_a_spec_with_errors_reports_them_and_exits_1(tmp_path, capsys):
    broken = tmp_path / "mlops.yaml"
    broken.write_text(FLAGSHIP.read_text().replace("model: fraud-detector\n", "model: nope\n", 1))
    assert main(["report", str(broken)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "nope" in captured.err
    assert main(["report", "diff", str(broken), str(FLAGSHIP)]) == 2
    assert "cannot build a report, the spec has errors" in capsys.readouterr().err


def test_required_approvals_are_the_ones_the_gate_enforced(tmp_path, capsys):
    """The noncompliant example defines no risk tiers: the bundle's defaults decide, and
    organisation data overrides them; the report says what the gate enforced."""
    spec = str(ROOT / "examples/noncompliant/mlops.yaml")

    def required(*extra: str) -> tuple:
        assert main(["report", spec, "--format", "json", *TODAY, *extra]) == 0
        model = json.loads(capsys.readouterr().out)["models"][0]
        return model["risk_tier"], model["approvals_required"], model["approver_roles_required"]

    assert required() == ("high", 2, ["compliance", "risk"])
    org = tmp_path / "org.json"
    org.write_text('{"risk_tiers": {"high": {"approvals": 3, "approver_roles": ["risk"]}}}')
    assert required("--data", str(org)) == ("high", 3, ["risk"])
