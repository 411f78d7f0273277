"""Waivers: matching by rule and subject glob, expiry, unused waivers, and every output format."""

from __future__ import annotations

import datetime
import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from mlopsc import api
from mlopsc.cli import main

ROOT = Path(__file__).resolve().parents[2]
NONCOMPLIANT = ROOT / "examples" / "noncompliant" / "mlops.yaml"
SARIF_SCHEMA = Path(__file__).parent.parent / "fixtures/schemas/sarif/sarif-schema-2.1.0.json"

WAIVERS = """
waivers:
  host-net:
    rule: SEC-002
    subject: deployments.credit-api
    reason: The legacy scorer needs the node network until it moves.
    approver: ciso@acme.example
    expires: "2026-12-31"
  canary-start:
    rule: DEP-003
    subject: deployments.credit-*
    reason: Traffic is too low for a 10 % step to say anything.
    approver: sre-lead@acme.example
    expires: "2026-11-30"
  old-one:
    rule: SEC-001
    subject: pipelines.credit-training
    reason: Expired exception for the GPU driver install.
    approver: ciso@acme.example
    expires: "2026-01-31"
  stale:
    rule: GOV-001
    subject: features.*
    reason: Nothing matches this any more.
    approver: ciso@acme.example
    expires: "2027-01-31"
"""


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "mlops.yaml"
    path.write_text(NONCOMPLIANT.read_text() + textwrap.dedent(WAIVERS))
    return path


def run(spec, today=datetime.date(2026, 11, 20)):
    return api.validate(api.Options(spec=str(spec), today=today))


def by_code(result):
    out = {}
    for d in result.diagnostics:
        out.setdefault(d.code, []).append(d)
    return out


def test_active_waivers_excuse_matching_findings(spec):
    found = by_code(run(spec))
    assert [d.waiver for d in found["SEC-002"]] == ["host-net"]
    assert [d.waiver for d in found["DEP-003"]] == ["canary-start"]
    assert [d.waiver for d in found["SEC-001"]] == [None]  # expired: blocks again
    assert all(d.waiver is None for d in found["GOV-001"])


def test_expired_and_unused_waivers_warn(spec):
    found = by_code(run(spec))
    [expired] = found["W401"]
    assert expired.message == ("waiver 'old-one' of SEC-001 on 'pipelines.credit-training' "
                               "expired on 2026-01-31; its findings block again")
    assert expired.path == "waivers.old-one.expires"
    lines = spec.read_text().splitlines()
    assert (expired.span.line, expired.span.column) == (
        lines.index('    expires: "2026-01-31"') + 1, 14)
    [unused] = found["W402"]
    assert unused.message == "waiver 'stale' of GOV-001 on 'features.*' matched no finding"


@pytest.mark.parametrize("today, statuses", [
    (datetime.date(2026, 11, 20), {"host-net": "active", "canary-start": "active",
                                   "old-one": "expired", "stale": "unused"}),
    (datetime.date(2026, 12, 1), {"host-net": "active", "canary-start": "expired",
                                  "old-one": "expired", "stale": "unused"}),
    (datetime.date(2026, 11, 30), {"host-net": "active", "canary-start": "active",
                                   "old-one": "expired", "stale": "unused"}),
])
def test_waiver_status_by_date(spec, today, statuses):
    policy = run(spec, today).compilation.policy
    assert {w.name: w.status for w in policy.waivers} == statuses
    waived = {(r.rule, r.subject): r for r in policy.results if r.status == "waived"}
    assert ("SEC-002", "deployments.credit-api") in waived
    assert (("DEP-003", "deployments.credit-api") in waived) == (statuses["canary-start"]
                                                                  == "active")


def test_waiver_use_records_matched_paths(spec):
    uses = {w.name: w for w in run(spec).compilation.policy.waivers}
    assert uses["host-net"].matched == ("deployments.credit-api.security.host_network",)
    assert uses["old-one"].matched == ()
    assert uses["canary-start"].approver == "sre-lead@acme.example"


def test_a_fully_waived_spec_passes(tmp_path):
    waivers = ["waivers:"]
    codes = sorted({d.code for d in run(NONCOMPLIANT).diagnostics if "-" in d.code})
    for code in codes:
        waivers.append(f"  w-{code.lower()}:\n    rule: {code}\n    subject: '*'\n"
                       f"    reason: demo\n    approver: a@b.example\n    expires: '2027-01-01'")
    path = tmp_path / "mlops.yaml"
    path.write_text(NONCOMPLIANT.read_text() + "\n" + "\n".join(waivers) + "\n")
    result = run(path)
    assert not result.blocked()
    assert all(d.waiver for d in result.diagnostics if "-" in d.code)


def _render(fmt, spec, capsys):
    code = main(["validate", str(spec), "--format", fmt, "--today", "2026-11-20"])
    assert code == 1  # unwaived findings remain
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt, needle", [
    ("text", "(waived by host-net)"),
    ("github", "waived by host-net"),
    ("junit", "waived by host-net"),
    ("sarif", "waiver host-net"),
    ("json", '"waiver": "host-net"'),
])
def test_every_format_lists_the_waivers_in_use(spec, capsys, fmt, needle):
    out = _render(fmt, spec, capsys)
    assert needle in out
    assert ("canary-start" in out) and ("old-one" in out)


def test_sarif_validates_and_carries_rule_docs(spec, capsys):
    log = json.loads(_render("sarif", spec, capsys))
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    assert sorted(validator.iter_errors(log), key=str) == []
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SEC-002"]["shortDescription"]["text"] == "No host networking"
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert {r["ruleId"] for r in suppressed} == {"SEC-002", "DEP-003"}


def test_junit_marks_waived_findings_skipped(spec, capsys):
    root = ET.fromstring(_render("junit", spec, capsys))
    skipped = [case for case in root.iter("testcase") if case.find("skipped") is not None]
    assert len(skipped) == 2
