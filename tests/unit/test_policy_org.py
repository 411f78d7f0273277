"""Organisation policy the spec cannot override: --data checked against its published schema,
organisation-only keys, mandatory rules, waiver terms and approvers, approvals.

Each case runs the real CLI on the flagship spec (which passes every rule) and asserts the
exact codes that block (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from test_policy_bypasses import FLAGSHIP, flagship, run

from mlopsc.policy.org_data import SCHEMA_PATH, problems
from mlopsc.spec.regulations import CANONICAL


def org(tmp_path: Path, text: str) -> str:
    path = tmp_path / "org.yaml"
    path.write_text(text)
    return str(path)


# ------------------------------------------------------------------ the schema itself
def test_the_schema_is_a_valid_json_schema_and_knows_every_regulation():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["regulation"]["enum"] == list(CANONICAL)


# ------------------------------------------------------------------ --data
@pytest.mark.parametrize(("text", "expected"), [
    # a quoted number would never compare with a number in Rego: a switch-off, now an error
    ('canary_max_first_weight: "50"\n', [("E407", "")]),
    ("min_production_replicas: 0\n", [("E407", "")]),
    ('max_retries: "3"\nmax_retires: 3\n', [("E407", ""), ("E408", "")]),
    ("production_environments: []\n", [("E408", "")]),
    ("personal_data_regulations: [GDPR]\n", [("E407", "")]),
    ("risk_tiers: {high: {approvals: '2'}}\n",
     [("E407", ""), ("GOV-003", "models.fraud-detector.approvals")]),
    ("waivers: {max_days: 0}\n", [("E407", "")]),
    ("mandatory_rules: [sec-001]\n", [("E407", "")]),
])
def test_malformed_organisation_data_blocks(tmp_path, capsys, text, expected):
    assert run(FLAGSHIP, capsys, "--data", org(tmp_path, text)) == (1, expected)


def test_errors_point_at_the_data_file(tmp_path, capsys):
    from mlopsc.cli import main
    data = org(tmp_path, "allowed_registries: [ghcr.io/acme]\nmax_retries: \"3\"\n")
    assert main(["validate", str(FLAGSHIP), "--format", "json", "--today", "2026-11-20",
                 "--data", data]) == 1
    [error] = json.loads(capsys.readouterr().out)["diagnostics"]
    assert (error["code"], error["file"], error["line"], error["column"]) == ("E407", data, 2, 14)
    assert error["message"] == f"--data {data}: max_retries: '3' is not of type 'integer'"
    assert error["hint"].startswith("write the number without quotes")


def test_valid_organisation_data_passes(tmp_path, capsys):
    text = ("allowed_registries: [ghcr.io/acme]\nmax_retries: 3\n"
            "risk_tiers: {low: {approvals: 1}}\n"
            "mandatory_rules: [SEC-001]\nwaivers: {max_days: 90, approvers: [ciso@acme.example]}\n"
            "custom: {anything: [1, two]}\n")
    assert run(FLAGSHIP, capsys, "--data", org(tmp_path, text)) == (0, [])


def test_problems_are_sorted_and_coded():
    assert [p[0] for p in problems({"zzz": 1, "max_retries": -1})] == ["E407", "E408"]


# ------------------------------------------------------------------ the spec's governance.data
ALLOWED = "    allowed_registries: [ghcr.io/acme]\n"


def test_the_spec_cannot_widen_the_organisations_registries(tmp_path, capsys):
    spec = flagship(tmp_path, (ALLOWED, "    allowed_registries: [ghcr.io/acme, docker.io]\n"))
    data = org(tmp_path, "allowed_registries: [ghcr.io/acme]\n")
    assert run(spec, capsys, "--data", data) == (
        1, [("E409", "governance.data.allowed_registries[1]")])
    # narrowing is allowed
    spec = flagship(tmp_path, (ALLOWED, "    allowed_registries: [ghcr.io/acme/fraud]\n"))
    _, found = run(spec, capsys, "--data", org(tmp_path, "allowed_registries: [ghcr.io]\n"))
    assert ("E409", "governance.data.allowed_registries[0]") not in found


@pytest.mark.parametrize("key", ["mandatory_rules: []", "waivers: {max_days: 99999}",
                                 "custom: {x: 1}"])
def test_the_spec_cannot_set_organisation_terms(tmp_path, capsys, key):
    spec = flagship(tmp_path, (ALLOWED, f"{ALLOWED}    {key}\n"))
    name = key.split(":")[0]
    assert run(spec, capsys) == (1, [("E409", f"governance.data.{name}")])


def test_the_spec_data_has_the_schemas_types(tmp_path, capsys):
    spec = flagship(tmp_path, (ALLOWED, f'{ALLOWED}    canary_max_first_weight: "50"\n'))
    assert run(spec, capsys) == (1, [("E407", "governance.data.canary_max_first_weight"),
                                     ("GOV-012", "governance.data.canary_max_first_weight")])


# ------------------------------------------------------------------ mandatory rules, waiver terms
# The scorer without rollback triggers: DEP-006 blocks until excused.
NO_ROLLBACK_ALL = ("""      rollback:
        - {type: slo_breach, slo: scorer-availability}
        - {type: slo_breach, slo: scorer-latency}
""", "")


def excused(tmp_path: Path, exception: str) -> Path:
    """The flagship without the scorer's rollback triggers, and ``exception`` appended."""
    spec = flagship(tmp_path, NO_ROLLBACK_ALL)
    spec.write_text(spec.read_text() + exception)
    return spec


DISABLED = ("governance:\n", ("governance:\n  disabled_rules:\n"
                             "    - {rule: DEP-006, reason: rollbacks are manual, "
                             "approver: APPROVER}\n"))
WAIVER = """
waivers:
  manual-rollback:
    rule: DEP-006
    subject: "SUBJECT"
    reason: rollbacks are manual until the new controller lands
    approver: APPROVER
    expires: "EXPIRES"
"""
TERMS = "mandatory_rules: [SEC-001]\nwaivers: {max_days: 90, approvers: [ciso@acme.example]}\n"


def _waived(tmp_path, approver="ciso@acme.example", subject="deployments.fraud-scorer",
            expires="2027-01-31") -> Path:
    return excused(tmp_path, WAIVER.replace("APPROVER", approver).replace(
        "SUBJECT", subject).replace("EXPIRES", expires))


def test_a_waiver_within_the_terms_excuses(tmp_path, capsys):
    spec = _waived(tmp_path)
    assert run(spec, capsys, "--data", org(tmp_path, TERMS)) == (0, [])


def test_a_mandatory_rule_cannot_be_waived(tmp_path, capsys):
    spec = _waived(tmp_path)
    data = org(tmp_path, TERMS.replace("[SEC-001]", "[SEC-001, DEP-006]"))
    assert run(spec, capsys, "--data", data) == (
        1, [("DEP-006", "deployments.fraud-scorer.rollout"),
            ("E411", "waivers.manual-rollback.rule")])


def test_a_mandatory_rule_cannot_be_switched_off(tmp_path, capsys):
    spec = flagship(tmp_path, NO_ROLLBACK_ALL,
                    (DISABLED[0], DISABLED[1].replace("APPROVER", "ciso@acme.example")))
    data = org(tmp_path, TERMS.replace("[SEC-001]", "[DEP-006]"))
    assert run(spec, capsys, "--data", data) == (
        1, [("DEP-006", "deployments.fraud-scorer.rollout"),
            ("E410", "governance.disabled_rules[0].rule")])


def test_a_waiver_that_never_ends_is_refused(tmp_path, capsys):
    spec = _waived(tmp_path, subject="*", expires="9999-12-31")
    assert run(spec, capsys, "--data", org(tmp_path, TERMS)) == (
        1, [("DEP-006", "deployments.fraud-scorer.rollout"),
            ("E412", "waivers.manual-rollback.expires")])


@pytest.mark.parametrize("approver", ["me", "ciso@evil.example"])
def test_only_the_organisations_approvers_approve(tmp_path, capsys, approver):
    spec = _waived(tmp_path, approver=approver)
    assert run(spec, capsys, "--data", org(tmp_path, TERMS)) == (
        1, [("DEP-006", "deployments.fraud-scorer.rollout"),
            ("E413", "waivers.manual-rollback.approver")])
    spec = flagship(tmp_path, NO_ROLLBACK_ALL,
                    (DISABLED[0], DISABLED[1].replace("APPROVER", approver)))
    assert run(spec, capsys, "--data", org(tmp_path, TERMS)) == (
        1, [("DEP-006", "deployments.fraud-scorer.rollout"),
            ("E413", "governance.disabled_rules[0].approver")])


def test_the_owner_cannot_approve_their_own_exception(tmp_path, capsys):
    """Without organisation data too: nobody approves their own exception."""
    spec = _waived(tmp_path, approver=" Team-Fraud ")
    assert run(spec, capsys) == (1, [("DEP-006", "deployments.fraud-scorer.rollout"),
                                     ("E414", "waivers.manual-rollback.approver")])
    spec = flagship(tmp_path, NO_ROLLBACK_ALL,
                    (DISABLED[0], DISABLED[1].replace("APPROVER", "team-fraud")))
    assert run(spec, capsys) == (1, [("DEP-006", "deployments.fraud-scorer.rollout"),
                                     ("E414", "governance.disabled_rules[0].approver")])


# ------------------------------------------------------------------ approvals
FIRST = "{by: maria.keller@acme.example, role: ml-lead, "
SECOND = "{by: tom.okafor@acme.example, role: risk, "


def test_the_same_approver_twice_counts_once(tmp_path, capsys):
    spec = flagship(tmp_path, (FIRST, "{by: Tom.Okafor@acme.example , role: ml-lead, "))
    assert run(spec, capsys) == (1, [("GOV-003", "models.fraud-detector.approvals")])


def test_approvals_are_tied_to_the_model_version(tmp_path, capsys):
    spec = flagship(tmp_path, ('stage: production, version: "2.3.0"}',
                               'stage: production, version: "2.2.1"}'))
    assert run(spec, capsys) == (1, [("GOV-003", "models.fraud-detector.approvals")])
    spec = flagship(tmp_path, (', version: "2.3.0"}', "}"))
    assert run(spec, capsys) == (1, [("GOV-003", "models.fraud-detector.approvals"),
                                     ("GOV-005", "models.fraud-detector.approvals[0]")])


def test_approvals_dated_in_the_future_do_not_count(tmp_path, capsys):
    spec = flagship(tmp_path, (SECOND + 'date: "2026-11-07"', SECOND + 'date: "2099-01-01"'))
    assert run(spec, capsys) == (1, [("GOV-003", "models.fraud-detector.approvals"),
                                     ("GOV-004", "models.fraud-detector.approvals"),
                                     ("GOV-014", "models.fraud-detector.approvals[1].date")])
    # judged against the run's date: the flagship's approvals are from 2026-11-05 and -07
    status, found = run(FLAGSHIP, capsys, "--today", "2026-11-06")
    assert status == 1 and ("GOV-014", "models.fraud-detector.approvals[1].date") in found


# ------------------------------------------------------------------ mandatory by annotation
ORG_RULE = """package acme.serving

import rego.v1

# METADATA
# title: Deployments name a cost centre
# custom:
#   code: ACME-001
#   severity: error
#   applies_to: [deployments]
#   mandatory: MANDATORY
deny contains f if {
	some d in input.deployments
	d.name == "fraud-scorer"
	f := {"code": "ACME-001", "msg": sprintf("deployment %q names no cost centre", [d.name]),
		"path": d.path}
}
"""
ACME_OFF = ("governance:\n", ("governance:\n  disabled_rules:\n    - {rule: ACME-001, "
                              "reason: no cost centres yet, approver: ciso@acme.example}\n"))


def _org_bundle(where: Path, mandatory: str = "true") -> str:
    where.mkdir(parents=True, exist_ok=True)
    (where / "serving.rego").write_text(ORG_RULE.replace("MANDATORY", mandatory))
    return str(where)


def test_a_policy_bundle_rule_marked_mandatory_cannot_be_switched_off(tmp_path, capsys):
    spec = flagship(tmp_path, ACME_OFF)
    bundle = _org_bundle(tmp_path / "org-policy")
    assert run(spec, capsys, "--policy", bundle) == (
        1, [("ACME-001", "deployments.fraud-scorer"),
            ("E410", "governance.disabled_rules[0].rule")])
    from mlopsc.cli import main
    assert main(["validate", str(spec), "--today", "2026-11-20", "--policy", bundle]) == 1
    assert f"ACME-001 is mandatory in policy bundle {bundle}" in capsys.readouterr().out


def test_a_policy_bundle_rule_marked_mandatory_cannot_be_waived(tmp_path, capsys):
    waiver = WAIVER.replace("DEP-006", "ACME-001").replace("APPROVER", "ciso@acme.example")
    spec = flagship(tmp_path)
    spec.write_text(spec.read_text() + waiver.replace("SUBJECT", "deployments.fraud-scorer")
                    .replace("EXPIRES", "2027-01-31"))
    assert run(spec, capsys, "--policy", _org_bundle(tmp_path / "org-policy")) == (
        1, [("ACME-001", "deployments.fraud-scorer"), ("E411", "waivers.manual-rollback.rule")])
    # the same rule without the mark is waivable: the mark is what refuses
    assert run(spec, capsys, "--policy", _org_bundle(tmp_path / "plain", "false")) == (0, [])


def test_the_spec_cannot_make_its_own_bundle_mandatory_to_anyone(tmp_path, capsys):
    """A bundle the spec names is the spec's: its mark binds nobody, so switching the rule off
    is an ordinary (approved, reported) exception."""
    spec = flagship(tmp_path, ACME_OFF, ("governance:\n", "governance:\n  policies: [own]\n"))
    _org_bundle(tmp_path / "own")
    status, found = run(spec, capsys)
    assert status == 0
    assert not [f for f in found if f[0] in ("E410", "ACME-001")]


def test_a_mandatory_mark_that_is_not_a_boolean_is_e404(tmp_path, capsys):
    spec = flagship(tmp_path)
    assert run(spec, capsys, "--policy", _org_bundle(tmp_path / "p", '"yes"'))[0] == 1


# ------------------------------------------------------------------ retention ceiling
@pytest.mark.parametrize(("days", "expected"), [
    (730, (0, [])),
    (365, (1, [("DATA-005", "datasets.transactions.retention")])),
    ("'730'", (1, [("E407", "")])),
])
def test_the_organisation_caps_how_long_personal_data_is_kept(tmp_path, capsys, days, expected):
    """The flagship keeps its personal transactions 730 days."""
    data = org(tmp_path, f"max_retention_days: {days}\n")
    assert run(FLAGSHIP, capsys, "--data", data) == expected


def test_personal_training_data_states_its_purpose(tmp_path, capsys):
    """DATA-006 through the whole chain: the spec's `purpose` reaches the policy input."""
    stated = "        purpose: Links a card's authorisations to count its recent transactions.\n"
    for instead in ("", "        purpose: '  '\n"):
        spec = flagship(tmp_path, (stated, instead))
        assert run(spec, capsys) == (1, [("DATA-006", "datasets.transactions.fields[1]")])
