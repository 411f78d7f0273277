"""Governance report: files per example, schema, policy results, waiver status by date."""

from __future__ import annotations

import datetime
import json

import jsonschema
import pytest
import yaml
from conftest import ROOT, compilable_specs, example_id

from mlopsc import api
from mlopsc.governance.output import report_schema
from mlopsc.governance.report import build_report
from mlopsc.governance.report_md import render_markdown
from mlopsc.passes.lower import lower
from mlopsc.policy.result import PolicyResult, RuleInfo, RuleResult, WaiverUse
from mlopsc.spec import Spec

TODAY = datetime.date(2026, 11, 15)

SPEC = """
apiVersion: mlopsc/v1
metadata: {name: demo, owner: team}
datasets:
  d:
    version: "1.0.0"
    fields: [{name: id, type: string, pii: true}, {name: x, type: float}]
models:
  m:
    version: "1.0.0"
    owner: team
    stage: production
    risk_tier: high
    training: {datasets: [{dataset: d, version: "1.0.0"}]}
    approvals: [{by: ann, role: risk, date: "2026-01-02"}]
waivers:
  late:
    rule: GOV-002
    subject: models.m
    reason: card in review
    approver: bob
    expires: "2026-11-15"
  old:
    rule: GOV-003
    subject: models.m
    reason: legacy
    approver: bob
    expires: "2026-11-14"
"""


def ir_of(text: str = SPEC):
    return lower(Spec.model_validate(yaml.safe_load(text)))


def compiled(spec) -> dict[str, bytes]:
    result = api.compile(api.Options(spec=str(spec), targets=(), today=TODAY))
    assert [d.code for d in result.diagnostics
            if d.severity.label == "error" and not d.waiver] == []
    return {a.path: a.content for a in result.artifacts}


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_report_files_are_written(spec):
    # Their bytes are compared in tests/golden/test_goldens.py.
    files = {p.removeprefix("governance/"): c for p, c in compiled(spec).items()
             if p.startswith("governance/")}
    assert sorted(files) == ["report.json", "report.md", "report.schema.json"]


def test_noncompliant_report_lists_failures():
    """The report of a spec the gate blocks: failures per subject are what it is for."""
    from test_model_card import NONCOMPLIANT, blocked_outputs

    from mlopsc.governance.output import GovernanceOutput

    files = blocked_outputs(NONCOMPLIANT, GovernanceOutput())
    report = json.loads(files["report.json"])
    jsonschema.validate(report, report_schema())
    assert report["summary"]["fail"] > 0
    assert sorted(files) == ["report.json", "report.md", "report.schema.json"]


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_report_follows_its_schema(spec):
    jsonschema.validate(json.loads(compiled(spec)["governance/report.json"]), report_schema())


def test_schema_is_published_in_docs():
    docs = json.loads((ROOT / "docs/schemas/governance-report.schema.json").read_text())
    assert docs == report_schema()
    jsonschema.Draft202012Validator.check_schema(report_schema())


@pytest.mark.parametrize("today, late, old", [
    (datetime.date(2026, 11, 14), "active", "active"),
    (datetime.date(2026, 11, 15), "active", "expired"),  # valid through its expiry day
    (datetime.date(2026, 11, 16), "expired", "expired"),
])
def test_waiver_status_is_judged_against_today(today, late, old):
    report = build_report(ir_of(), None, today)
    assert [(w["name"], w["status"]) for w in report["waivers"]] == [("late", late),
                                                                      ("old", old)]
    assert report["as_of"] == today.isoformat()


def test_without_policy_results_the_report_says_so():
    report = build_report(ir_of(), None, TODAY)
    assert report["policies"] == {"evaluated": False, "engine": None, "bundles": [],
                                  "rules": [], "results": [], "disabled": []}
    assert ("## Policies\n\nPolicies were not evaluated: this report holds no pass or fail "
            "results.\n") in render_markdown(report)


def policy_result() -> PolicyResult:
    rule = {code: RuleInfo(code=code, title=f"title {code}", description="d",
                           severity="error", domain="governance", applies_to=("models",),
                           bundle="default") for code in ("GOV-001", "GOV-002")}
    return PolicyResult(
        engine="regorus", bundles=("default",), rules=rule,
        results=(RuleResult(rule="GOV-001", subject="models.m", status="fail",
                            messages=("needs 2 approvals",)),
                 RuleResult(rule="GOV-002", subject="models.m", status="waived",
                            messages=("no card",), waiver="late")),
        waivers=(WaiverUse(name="late", rule="GOV-002", subject="models.m", approver="bob",
                           reason="card in review", expires="2026-11-15", status="active",
                           matched=("models.m.card",)),
                 WaiverUse(name="old", rule="GOV-003", subject="models.m", approver="bob",
                           reason="legacy", expires="2026-11-14", status="unused")),
        disabled=())


def test_policy_results_per_subject():
    report = build_report(ir_of(), policy_result(), TODAY)
    assert [(r["id"], r["status"], r["waiver"]) for r in report["policies"]["results"]] == [
        ("GOV-001@models.m", "fail", None), ("GOV-002@models.m", "waived", "late")]
    assert [(w["name"], w["status"], w["matched"]) for w in report["waivers"]] == [
        ("late", "active", ["models.m.card"]), ("old", "unused", [])]
    assert report["summary"] == {
        "models": 1, "policies_evaluated": True, "pass": 0, "fail": 1, "waived": 1,
        "waivers": 2, "expired_waivers": 0, "data_contracts_with_pii": 1}
    text = render_markdown(report)
    assert "| GOV-001 | title GOV-001 | models.m | fail | — | needs 2 approvals |" in text
    assert "| late | GOV-002 | models.m | bob | 2026-11-15 | active | card in review |" in text
    jsonschema.validate(report, report_schema())


def test_inventory_and_contracts():
    report = build_report(ir_of(), None, TODAY)
    assert report["models"][0] == {
        "id": "model:m", "name": "m", "path": "models.m", "version": "1.0.0",
        "stage": "production", "owner": "team", "risk_tier": "high", "framework": None,
        "approvals": [{"by": "ann", "role": "risk", "date": "2026-01-02", "stage": None,
                       "version": None}],
        "approvals_required": None, "approver_roles_required": [], "regulations": [],
        "training_data": [{"dataset": "dataset:d", "version": "1.0.0"}], "deployments": [],
        "training_feature_sets": [],
        "metrics": [], "fairness": None,
        # What the diff compares beyond the inventory (report_facts): absent facts as None.
        "task": None, "artifact": {"uri": None, "encrypted": False},
        "card": dict.fromkeys(("intended_use", "out_of_scope_use", "limitations",
                               "ethical_considerations", "fairness_assessment",
                               "maintenance", "caveats")),
        "training": {"pipeline": None, "code_version": None, "image": None,
                     "continuous": False},
        "explainability": None, "human_oversight": None, "risk_assessment": None,
        "history": [], "schema_version": None, "input_schema": []}
    assert report["data_contracts"][0]["pii_fields"] == ["id"]


def test_report_bytes_do_not_depend_on_hash_seed(tmp_path):
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1794960000"}
        done = subprocess.run([sys.executable, "-m", "mlopsc", "report", "--format", "json",
                               str(ROOT / "mlops.yaml")], env=env, capture_output=True,
                              check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["as_of"] == "2026-11-18"
