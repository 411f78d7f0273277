"""Report diff: each governance change appears in words; formats; stable order."""

from __future__ import annotations

import dataclasses
import datetime
import json
import random

import pytest
from conftest import ROOT, example_id, example_specs

from mlopsc.driver import Options
from mlopsc.governance import diff_reports
from mlopsc.governance.inputs import load_report
from mlopsc.governance.report import build_report
from mlopsc.passes.lower import lower
from mlopsc.policy.result import PolicyResult, RuleInfo, RuleResult
from mlopsc.spec import Spec

TODAY = datetime.date(2026, 11, 15)
FLAGSHIP = (ROOT / "mlops.yaml").read_text()
APPROVAL = ('      - {by: tom.okafor@acme.example, role: risk, date: "2026-11-07", '
            'stage: production, version: "2.3.0"}\n')
FIELD = ("      - {name: transaction_id, type: string, description: Unique id of the "
         "authorisation.}\n")
WAIVER = """
waivers:
  second-approval:
    rule: GOV-003
    subject: models.fraud-detector
    reason: The second approver signs after the quarterly risk committee.
    approver: compliance@acme.example
    expires: "2027-01-31"
"""
OVERSIGHT = ("    human_oversight:\n      description: Analysts review every step-up that a "
             "customer disputes and can override the model's decision.\n"
             "      reviewers: [fraud-operations]\n")
QUALITY_MONITOR = """\
  transactions-quality:
    type: data_quality
    dataset: transactions
    window: 1h
    severity: warning
    routing: {team: team-payments-data}
    runbook: https://runbooks.acme.example/data/transactions-quality
"""


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once in the flagship spec"
    return text.replace(old, new)


# (case, old spec, new spec, a sentence the diff must contain)
CASES = [
    ("risk tier changed",
     edit(FLAGSHIP, "    risk_tier: high\n", "    risk_tier: medium\n"), FLAGSHIP,
     "model fraud-detector: risk tier medium → high"),
    ("approval removed",
     FLAGSHIP, edit(FLAGSHIP, APPROVAL, ""),
     ("model fraud-detector: approval by tom.okafor@acme.example (risk, stage production) "
      "removed")),
    ("waiver added",
     edit(FLAGSHIP, APPROVAL, ""), edit(FLAGSHIP, APPROVAL, "") + WAIVER,
     ("waiver second-approval added: GOV-003 on models.fraud-detector, approved by "
      "compliance@acme.example, expires 2027-01-31")),
    ("waiver added that excuses nothing",
     FLAGSHIP, FLAGSHIP + WAIVER,
     ("waiver second-approval added: GOV-003 on models.fraud-detector, approved by "
      "compliance@acme.example, expires 2027-01-31, but it matches no finding")),
    ("training feature set removed",
     FLAGSHIP, edit(FLAGSHIP, "      feature_sets: [transaction-features]\n      code_version",
                    "      code_version"),
     "model fraud-detector: training feature set transaction-features removed"),
    ("feature removed from a feature set",
     FLAGSHIP, edit(FLAGSHIP, ", txn_count_24h, amount_zscore_30d]", ", txn_count_24h]"),
     "feature set transaction-features: feature amount_zscore_30d removed"),
    ("feature set served online no more",
     FLAGSHIP, edit(FLAGSHIP, "    online: true\n", "    online: false\n"),
     "feature set transaction-features: served online yes → no"),
    ("contract field removed",
     edit(FLAGSHIP, FIELD, FIELD + "      - {name: merchant_id, type: string}\n"), FLAGSHIP,
     "data contract transactions: field merchant_id removed"),
    ("contract field made PII",
     FLAGSHIP, edit(FLAGSHIP, "{name: event_time, type: timestamp}",
                    "{name: event_time, type: timestamp, pii: true}"),
     "data contract transactions: field event_time now marked PII"),
    ("rollout strategy changed",
     FLAGSHIP, edit(FLAGSHIP, "      strategy: canary\n", "      strategy: blue-green\n"
                    ).replace("      steps:\n        - {weight: 5, pause: 10m}\n"
                              "        - {weight: 20, pause: 20m}\n"
                              "        - {weight: 50, pause: 30m}\n"
                              "        - {weight: 100}\n", ""),
     "deployment fraud-scorer: rollout strategy canary → blue-green"),
    ("SLO objective changed",
     FLAGSHIP, edit(FLAGSHIP, "    objective: 99.95\n", "    objective: 99.9\n"),
     "SLO scorer-availability: objective 99.95 → 99.9"),
    ("fairness threshold loosened",
     FLAGSHIP, edit(FLAGSHIP, "{name: demographic_parity_difference, threshold: 0.05,",
                    "{name: demographic_parity_difference, threshold: 0.1,"),
     ("model fraud-detector: fairness metric demographic_parity_difference: threshold 0.05 → "
      "0.1")),
    ("protected attribute added",
     FLAGSHIP, edit(FLAGSHIP, "protected_attributes: [customer_age_band]",
                    "protected_attributes: [customer_age_band, card_country]"),
     "model fraud-detector: protected attribute card_country added"),
    ("promotion threshold lowered",
     FLAGSHIP, edit(FLAGSHIP, "auc_pr: {value: 0.81, threshold: 0.78,",
                    "auc_pr: {value: 0.81, threshold: 0.7,"),
     "model fraud-detector: metric auc_pr: threshold 0.78 → 0.7"),
    # Facts beyond the inventory: the card, provenance, oversight, constraints, monitors.
    ("intended use changed",
     FLAGSHIP, edit(FLAGSHIP, "intended_use: Score card authorisations in real time;",
                    "intended_use: Score card and loan authorisations in real time;"),
     ('model fraud-detector: intended use "Score card authorisations in real time; scores '
      'above 0.92 send the payment to step-up authentication, never to an outright decline." '
      '→ "Score card and loan authorisations in real time; scores above 0.92 send the '
      'payment to step-up authentication, never to an outright decline."')),
    ("artifact replaced at the same version",
     FLAGSHIP, edit(FLAGSHIP, "uri: s3://acme-models/fraud-detector/2.3.0/model.json",
                    "uri: s3://acme-models/fraud-detector/2.3.0/model-retrained.json"),
     ("model fraud-detector: artifact URI s3://acme-models/fraud-detector/2.3.0/model.json → "
      "s3://acme-models/fraud-detector/2.3.0/model-retrained.json while the version stays "
      "2.3.0")),
    ("training code version changed",
     FLAGSHIP, edit(FLAGSHIP, "code_version: 8f3c2a1e", "code_version: 0000000e"),
     ("model fraud-detector: training code version 8f3c2a1e9b7d4c6f0a5e2d1b3c4a5f6e7d8c9b0a → "
      "0000000e9b7d4c6f0a5e2d1b3c4a5f6e7d8c9b0a")),
    ("per-decision explanations off",
     FLAGSHIP, edit(FLAGSHIP, "      per_decision: true\n", "      per_decision: false\n"),
     "model fraud-detector: no longer explained per decision (per-decision explanations off)"),
    ("oversight reviewers emptied",
     FLAGSHIP, edit(FLAGSHIP, "reviewers: [fraud-operations]", "reviewers: []"),
     "model fraud-detector: human oversight reviewers emptied: nobody reviews the decisions"),
    ("human oversight section deleted",
     FLAGSHIP, edit(FLAGSHIP, OVERSIGHT, ""), "model fraud-detector: human oversight removed"),
    ("risk assessment deleted",
     FLAGSHIP, edit(FLAGSHIP, "    risk_assessment: https://wiki.acme.example/risk/"
                    "fraud-detector-2.3\n", ""),
     ("model fraud-detector: risk assessment removed (was "
      "https://wiki.acme.example/risk/fraud-detector-2.3)")),
    ("stage history rewritten",
     FLAGSHIP, edit(FLAGSHIP, 'version: "2.3.0", date: "2026-10-28"',
                    'version: "2.3.0", date: "2026-11-08"'),
     ("model fraud-detector: stage history rewritten: staging 2.3.0 on 2026-10-28, "
      "production 2.3.0 on 2026-11-09 → staging 2.3.0 on 2026-11-08, production 2.3.0 on "
      "2026-11-09")),
    ("metric falls below its threshold",
     FLAGSHIP, edit(FLAGSHIP, "auc_pr: {value: 0.81,", "auc_pr: {value: 0.7,"),
     ("model fraud-detector: metric auc_pr now below its promotion threshold: value 0.7, "
      "threshold 0.78")),
    ("allowed values narrowed",
     FLAGSHIP, edit(FLAGSHIP, "[DE, FR, GB, NL, US, other]", "[DE, FR, GB, NL, US]"),
     ("data contract transactions: field card_country: allowed values narrowed, other no "
      "longer allowed")),
    ("max narrowed",
     FLAGSHIP, edit(FLAGSHIP, "min: 0, max: 1000000}", "min: 0, max: 500000}"),
     "data contract transactions: field amount_eur: max 1000000 → 500000 (narrowed)"),
    ("model input field removed",
     FLAGSHIP, edit(FLAGSHIP, "      - {name: amount_eur, type: float, kind: continuous, "
                    "min: 0}\n", ""),
     "model fraud-detector: input field amount_eur removed"),
    ("model input field removed is breaking",
     FLAGSHIP, edit(FLAGSHIP, "      - {name: amount_eur, type: float, kind: continuous, "
                    "min: 0}\n", ""),
     ("breaking, major version not bumped: model fraud-detector input schema: field "
      "amount_eur removed (version 1.1.0 → 1.1.0)")),
    ("drift threshold loosened",
     FLAGSHIP, edit(FLAGSHIP, "method: psi, threshold: 0.25}", "method: psi, threshold: 0.4}"),
     ("monitor scorer-feature-drift: feature merchant_category: drift threshold 0.25 → 0.4 "
      "(loosened)")),
    ("monitor deleted",
     FLAGSHIP, edit(FLAGSHIP, QUALITY_MONITOR, ""), "monitor transactions-quality removed"),
    ("rollback trigger removed, told apart from the other",
     FLAGSHIP, edit(FLAGSHIP, "        - {type: slo_breach, slo: scorer-latency}\n", ""),
     "deployment fraud-scorer: rollback trigger slo_breach (SLO scorer-latency) removed"),
    ("PII flag dropped is governance-significant",
     FLAGSHIP, edit(FLAGSHIP, "        pii: true\n        classification: confidential\n"
                    "        purpose: Links", "        classification: confidential\n"
                    "        purpose: Links"),
     ("governance-significant: data contract transactions: field customer_id no longer "
      "marked PII")),
    ("retention changed is governance-significant",
     FLAGSHIP, edit(FLAGSHIP, "retention: {period: 730d,", "retention: {period: 365d,"),
     "governance-significant: data contract transactions: retention 730 d → 365 d"),
    ("regulation added for every model",
     FLAGSHIP, edit(FLAGSHIP, "  regulations: [gdpr]\n", "  regulations: [gdpr, eu-ai-act]\n"),
     "regulation eu-ai-act now in force for every model"),
]


def report_of(text: str, tmp_path, name: str) -> dict:
    spec = tmp_path / f"{name}.yaml"
    spec.write_text(text)
    return load_report(str(spec), Options(today=TODAY))


@pytest.mark.parametrize("case, old, new, sentence", CASES, ids=[c[0] for c in CASES])
def test_spec_change_appears_in_words(case, old, new, sentence, tmp_path):
    changes = diff_reports(report_of(old, tmp_path, "old"), report_of(new, tmp_path, "new"))
    assert sentence in changes.messages(), changes.render("text")


def test_the_four_release_changes_read_exactly(tmp_path):
    """A changed risk tier, a removed approval, an added waiver and a removed contract field,
    all in one release: the whole diff, word for word, and nothing else."""
    old = edit(edit(FLAGSHIP, "    risk_tier: high\n", "    risk_tier: medium\n"),
               FIELD, FIELD + "      - {name: merchant_id, type: string}\n")
    new = edit(FLAGSHIP, APPROVAL, "") + WAIVER
    changes = diff_reports(report_of(old, tmp_path, "old"), report_of(new, tmp_path, "new"))
    assert changes.render("text") == (
        "model fraud-detector: risk tier medium → high\n"
        "model fraud-detector: approvals required 1 → 2\n"
        "model fraud-detector: approver roles required none → compliance, risk\n"
        "model fraud-detector: approval by tom.okafor@acme.example (risk, stage production) "
        "removed\n"
        "policy GOV-003 now waived on models.fraud-detector (waiver second-approval), "
        "was pass\n"
        "policy GOV-004 now failing on models.fraud-detector, was pass\n"
        "waiver second-approval added: GOV-003 on models.fraud-detector, approved by "
        "compliance@acme.example, expires 2027-01-31\n"
        "breaking, major version not bumped: data contract transactions: field merchant_id "
        "removed (version 3.2.0 → 3.2.0)\n"
        "data contract transactions: field merchant_id removed\n")
    assert [(c.section, c.subject, c.kind, c.field) for c in changes.changes] == [
        ("models", "model:fraud-detector", "changed", "risk_tier"),
        ("models", "model:fraud-detector", "changed", "approvals_required"),
        ("models", "model:fraud-detector", "changed", "approver_roles_required"),
        ("models", "model:fraud-detector", "removed",
         "approval:tom.okafor@acme.example/risk/production"),
        ("policies", "result:GOV-003@models.fraud-detector", "changed", "status"),
        ("policies", "result:GOV-004@models.fraud-detector", "changed", "status"),
        ("waivers", "waiver:second-approval", "added", None),
        ("breaking", "datasets.transactions", "removed", "field:merchant_id"),
        ("data_contracts", "dataset:transactions", "removed", "field:merchant_id")]
    # Markdown escapes what would be markup (`@` mentions, `_` emphasis).
    assert changes.render("md") == (
        "## Governance changes (9)\n\n### Models\n\n"
        "- model fraud-detector: risk tier medium → high\n"
        "- model fraud-detector: approvals required 1 → 2\n"
        "- model fraud-detector: approver roles required none → compliance, risk\n"
        "- model fraud-detector: approval by tom.okafor\\@acme.example (risk, stage "
        "production) removed\n\n### Policies\n\n"
        "- policy GOV-003 now waived on models.fraud-detector (waiver second-approval), "
        "was pass\n"
        "- policy GOV-004 now failing on models.fraud-detector, was pass\n\n### Waivers\n\n"
        "- waiver second-approval added: GOV-003 on models.fraud-detector, approved by "
        "compliance\\@acme.example, expires 2027-01-31\n\n### Breaking changes\n\n"
        "- breaking, major version not bumped: data contract transactions: field "
        "merchant\\_id removed (version 3.2.0 → 3.2.0)\n\n### Data contracts\n\n"
        "- data contract transactions: field merchant\\_id removed\n")
    data = json.loads(changes.render("json"))
    assert [c["message"] for c in data["changes"]] == changes.messages()
    assert data["counts"] == {"added": 1, "removed": 3, "changed": 5}


def test_the_headline_comes_first_and_a_rule_switched_off_is_said_once(tmp_path):
    new = edit(FLAGSHIP, "    risk_tier: high\n", "    risk_tier: unacceptable\n")
    new = edit(new, "  regulations: [gdpr]\n", "  regulations: [gdpr]\n  disabled_rules:\n"
               "    - {rule: GOV-012, reason: Shadow stage retired., approver: cro@acme.example}\n")
    lines = diff_reports(report_of(FLAGSHIP, tmp_path, "old"),
                         report_of(new, tmp_path, "new")).messages()
    assert lines[:3] == ["model fraud-detector: risk tier high → unacceptable",
                         "model fraud-detector: approvals required 2 → 0",
                         "model fraud-detector: approver roles required compliance, risk → none"]
    about_gov_012 = [line for line in lines if "GOV-012" in line]
    assert about_gov_012 == [("policy GOV-012 switched off for every subject, approved by "
                             "cro@acme.example: Shadow stage retired.")]


def test_identical_specs_have_no_changes(tmp_path):
    same = diff_reports(report_of(FLAGSHIP, tmp_path, "a"), report_of(FLAGSHIP, tmp_path, "b"))
    assert not same and same.render("text") == "no governance changes\n"


def test_risk_tier_diff_in_every_format(tmp_path):
    old = report_of(edit(FLAGSHIP, "    risk_tier: high\n", "    risk_tier: low\n"),
                    tmp_path, "old")
    changes = diff_reports(old, report_of(FLAGSHIP, tmp_path, "new"))
    assert changes.render("text") == (
        "model fraud-detector: risk tier low → high\n"
        "model fraud-detector: approvals required 1 → 2\n"
        "model fraud-detector: approver roles required none → compliance, risk\n")
    assert changes.render("md") == (
        "## Governance changes (3)\n\n### Models\n\n"
        "- model fraud-detector: risk tier low → high\n"
        "- model fraud-detector: approvals required 1 → 2\n"
        "- model fraud-detector: approver roles required none → compliance, risk\n")
    data = json.loads(changes.render("json"))
    assert data["counts"] == {"added": 0, "removed": 0, "changed": 3}
    assert data["changes"][0] == {
        "section": "models", "subject": "model:fraud-detector", "kind": "changed",
        "field": "risk_tier", "old": "low", "new": "high",
        "message": "model fraud-detector: risk tier low → high"}


def _policy(status: str, waiver: str | None = None) -> PolicyResult:
    info = RuleInfo(code="GOV-012", title="shadow before rollout", description="d",
                    severity="error", domain="governance", applies_to=("models",),
                    bundle="default")
    return PolicyResult(engine="regorus", bundles=("default",), rules={"GOV-012": info},
                        results=(RuleResult(rule="GOV-012", subject="models.fraud-detector",
                                            status=status, waiver=waiver),),
                        waivers=(), disabled=())


@pytest.mark.parametrize("before, after, sentence", [
    ("pass", "fail", "policy GOV-012 now failing on models.fraud-detector, was pass"),
    ("fail", "pass", "policy GOV-012 now passing on models.fraud-detector, was fail"),
    ("fail", "waived", "policy GOV-012 now waived on models.fraud-detector (waiver w), was fail"),
    (None, "fail", "policies are now evaluated"),
])
def test_policy_status_changes(before, after, sentence):
    ir = lower(Spec.model_validate(__import__("yaml").safe_load(FLAGSHIP)))
    old = build_report(ir, _policy(before) if before else None, TODAY)
    new = build_report(ir, _policy(after, "w" if after == "waived" else None), TODAY)
    assert diff_reports(old, new).messages() == [sentence]


def test_order_does_not_depend_on_input_order(tmp_path):
    old = report_of(FLAGSHIP, tmp_path, "old")
    new = report_of(edit(FLAGSHIP, APPROVAL, "") + WAIVER, tmp_path, "new")
    shuffled = json.loads(json.dumps(new))
    for value in shuffled.values():
        if isinstance(value, list):
            random.Random(7).shuffle(value)
    assert diff_reports(old, shuffled).render("json") == diff_reports(old, new).render("json")


def test_a_report_json_and_its_spec_diff_alike(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps(report_of(FLAGSHIP, tmp_path, "x")))
    from_json = load_report(str(tmp_path / "old.json"))
    new = report_of(FLAGSHIP + WAIVER, tmp_path, "new")
    assert diff_reports(from_json, new) == diff_reports(report_of(FLAGSHIP, tmp_path, "y"), new)


@pytest.mark.parametrize("spec", example_specs(), ids=example_id)
def test_diff_from_nothing_names_every_fact_both_ways(spec):
    report = load_report(str(spec), Options(today=TODAY))
    added, removed = diff_reports({}, report), diff_reports(report, {})
    lines = added.render("text").splitlines()
    # Removing a contract breaks its consumers; adding one breaks nobody.
    unbroken = [c for c in removed.changes if c.section != "breaking"]
    assert lines == added.messages() and len(lines) == len(unbroken) > 0
    assert {c.old for c in removed.changes if c.section == "breaking"} == {"contract-removed"}
    assert added.render("md").startswith(f"## Governance changes ({len(lines)})\n")
    data = json.loads(added.render("json"))
    assert [c["message"] for c in data["changes"]] == lines
    assert data["counts"]["removed"] == 0


def test_change_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        diff_reports({}, {"models": [{"id": "model:m", "name": "m"}]}).changes[0].kind = "x"


NEW_MODEL_FACTS = ("task", "card", "artifact", "training", "explainability", "human_oversight",
                   "risk_assessment", "history", "schema_version", "input_schema")
NEW_FIELD_FACTS = ("kind", "min", "max", "allowed_values", "renamed_from", "purpose")
NEW_CONTRACT_FACTS = ("freshness_max_age_s", "freshness_field", "min_rows", "max_rows",
                      "quality")


def test_a_report_of_an_older_mlopsc_compares_without_noise(tmp_path):
    """Facts an older report did not record are not compared: absent is not empty."""
    new = report_of(FLAGSHIP, tmp_path, "new")
    old = json.loads(json.dumps(new))
    del old["monitors"]
    for m in old["models"]:
        for key in NEW_MODEL_FACTS:
            del m[key]
        for a in m["approvals"]:
            del a["version"]
        del m["fairness"]["assessment"]
    for c in old["data_contracts"]:
        for key in NEW_CONTRACT_FACTS:
            del c[key]
        for f in c["fields"]:
            for key in NEW_FIELD_FACTS:
                del f[key]
    for d in old["deployments"]:
        del d["rollback_triggers"]
    assert diff_reports(old, new).messages() == []
    assert diff_reports(new, old).messages() == []
    # What an older report did record still compares.
    old["models"][0]["risk_tier"] = "medium"
    assert diff_reports(old, new).messages()[0] == "model fraud-detector: risk tier medium → high"
