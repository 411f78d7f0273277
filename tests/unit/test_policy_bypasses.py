"""Bypasses of the policy gate, each closed: the real CLI blocks (exit 1) with a coded finding.

Every case starts from the flagship spec (which passes every rule), changes what an author
trying to slip past the gate would change, and asserts the exact codes that now block.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlopsc.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "mlops.yaml"
TODAY = ("--today", "2026-11-20")


def _gate(d: dict) -> bool:
    """An unwaived finding of the gate: a rule's, an error, or a policy code (not a
    target's warning about what it can express)."""
    blocking = d["severity"] == "error" or "-" in d["code"] or d["code"].startswith("W4")
    return blocking and not d["waiver"]


def run(spec: Path, capsys, *extra: str) -> tuple[int, list[tuple[str, str]]]:
    """Exit status and the (code, path) of every unwaived finding of the gate."""
    status = main(["validate", str(spec), "--format", "json", *TODAY, *extra])
    out = json.loads(capsys.readouterr().out)
    found = sorted((d["code"], d["path"] or "") for d in out["diagnostics"] if _gate(d))
    return status, found


def flagship(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """The flagship spec with each (old, new) text replaced once (each must occur)."""
    text = FLAGSHIP.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text)
    return spec


def test_flagship_passes(capsys):
    assert run(FLAGSHIP, capsys) == (0, [])


# ------------------------------------------------------------------ environment tiers
NO_ROLLBACK = ("""      rollback:
        - {type: slo_breach, slo: scorer-availability}
        - {type: slo_breach, slo: scorer-latency}
""", "")


def _renamed(tmp_path: Path, tier: str) -> Path:
    """prod renamed to live (declared with ``tier``), the scorer without rollback triggers."""
    return flagship(tmp_path, ("  prod:\n    tier: production\n", f"  live:\n{tier}"),
                    ("    environment: prod\n", "    environment: live\n"),
                    ("    environment: prod\n", "    environment: live\n"), NO_ROLLBACK)


def test_a_renamed_production_environment_keeps_its_rules(tmp_path, capsys):
    spec = _renamed(tmp_path, "    tier: production\n")
    assert run(spec, capsys) == (1, [("DEP-006", "deployments.fraud-scorer.rollout")])


def test_an_environment_without_a_tier_is_judged_as_production(tmp_path, capsys):
    spec = _renamed(tmp_path, "")
    assert run(spec, capsys) == (1, [("DEP-006", "deployments.fraud-scorer.rollout"),
                                     ("GOV-013", "environments.live.tier")])


def test_organisation_data_cannot_name_production_away(tmp_path, capsys):
    org = tmp_path / "org.yaml"
    org.write_text("production_environments: []\n")
    spec = flagship(tmp_path, NO_ROLLBACK)
    assert run(spec, capsys, "--data", str(org)) == (
        1, [("DEP-006", "deployments.fraud-scorer.rollout"), ("E408", "")])


@pytest.mark.parametrize("tier", ["staging", "development"])
def test_a_declared_lower_tier_is_not_production(tmp_path, capsys, tier):
    spec = flagship(tmp_path, ("  prod:\n    tier: production\n", f"  prod:\n    tier: {tier}\n"),
                    NO_ROLLBACK)
    _, found = run(spec, capsys)
    assert ("DEP-006", "deployments.fraud-scorer.rollout") not in found


# ------------------------------------------------------------------ registry stage
DEVELOPMENT = ("    stage: production\n", "    stage: development\n")


def test_a_development_model_served_in_production_is_blocked(tmp_path, capsys):
    spec = flagship(tmp_path, DEVELOPMENT)
    assert run(spec, capsys) == (1, [("MDL-011", "deployments.fraud-scorer.model")])


def test_an_unacceptable_development_model_served_in_production_is_blocked(tmp_path, capsys):
    spec = flagship(tmp_path, DEVELOPMENT,
                    ("    risk_tier: high\n", "    risk_tier: unacceptable\n"))
    assert run(spec, capsys) == (1, [("GOV-006", "models.fraud-detector.stage"),
                                     ("MDL-011", "deployments.fraud-scorer.model")])


def test_a_development_stage_does_not_skip_release_rules(tmp_path, capsys):
    """Without production approvals and card sections the release rules still block."""
    spec = flagship(tmp_path, DEVELOPMENT,
                    ("      maintenance: ", "      caveats: "),
                    ('stage: production, version: "2.3.0"}', 'stage: staging, version: "2.3.0"}'))
    status, found = run(spec, capsys)
    assert status == 1
    assert {code for code, _ in found} == {"GOV-003", "MDL-002", "MDL-011"}


# ------------------------------------------------------------------ regulations
def test_a_regulation_in_any_case_is_its_canonical_id(tmp_path, capsys):
    spec = flagship(tmp_path, ("regulations: [gdpr, eu-ai-act]", "regulations: [GDPR, EU AI Act]"),
                    ("    risk_assessment: https://wiki.acme.example/risk/fraud-detector-2.3\n",
                     ""))
    assert run(spec, capsys) == (1, [("REG-005", "models.fraud-detector.risk_assessment")])


@pytest.mark.parametrize(("written", "guess"), [("eu-ai-akt", "eu-ai-act"), ("gpdr", "gdpr"),
                                                ("HIPPA", "hipaa")])
def test_a_misspelt_regulation_is_an_error_with_a_guess(tmp_path, capsys, written, guess):
    from mlopsc import api
    spec = flagship(tmp_path, ("regulations: [gdpr, eu-ai-act]", f"regulations: [gdpr, {written}]"))
    result = api.validate(api.Options(spec=str(spec), today=None))
    [error] = [d for d in result.diagnostics if d.code == "E209"]
    assert error.message == f"regulations[1]: unknown regulation '{written}'"
    assert error.hint == f"did you mean '{guess}'?"
    assert error.path == "models.fraud-detector.regulations[1]"
    assert run(spec, capsys)[0] == 1


# ------------------------------------------------------------------ rules that compare
def test_a_metric_below_its_threshold_blocks(tmp_path, capsys):
    spec = flagship(tmp_path, ("auc_pr: {value: 0.81,", "auc_pr: {value: 0.1,"))
    assert run(spec, capsys) == (1, [("MDL-010", "models.fraud-detector.metrics.auc_pr.value")])


def test_a_lower_is_better_metric_above_its_threshold_blocks(tmp_path, capsys):
    latency = "      latency_p99_s: {value: 0.4, threshold: 0.25, higher_is_better: false}\n"
    spec = flagship(tmp_path, ("      auc_pr: {", latency + "      auc_pr: {"))
    assert run(spec, capsys) == (1, [("MDL-010",
                                      "models.fraud-detector.metrics.latency_p99_s.value")])


@pytest.mark.parametrize(("old", "new", "code", "path"), [
    ("    owner: team-fraud\n    version: \"2.3.0\"", "    owner: \"  \"\n    version: \"2.3.0\"",
     "GOV-001", "models.fraud-detector.owner"),
    ("      maintenance: Retrained", "      maintenance: \" \"\n      caveats: Retrained",
     "MDL-002", "models.fraud-detector.card.maintenance"),
])
def test_whitespace_is_blank(tmp_path, capsys, old, new, code, path):
    assert run(flagship(tmp_path, (old, new)), capsys) == (1, [(code, path)])


# ------------------------------------------------------------------ coverage
def test_untested_files_count_against_coverage(tmp_path, capsys):
    """One trivial test must not make a bundle of untested rules reach --threshold 90."""
    bundle = tmp_path / "org"
    bundle.mkdir()
    (bundle / "a.rego").write_text("package org.a\n\nimport rego.v1\n\nok if true\n")
    (bundle / "a_test.rego").write_text("package org.a\n\nimport rego.v1\n\ntest_ok if ok\n")
    rules = "".join(f"deny contains {{\"code\": \"ORG-00{i}\", \"msg\": \"m\", \"path\": \"x\"}} "
                    f"if {{\n\tinput.models[_].owner == \"{i}\"\n\tinput.x > {i}\n}}\n\n"
                    for i in range(1, 6))
    (bundle / "b.rego").write_text(f"package org.b\n\nimport rego.v1\n\n{rules}")
    assert main(["policy", "test", str(bundle), "--threshold", "90", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["coverage"]["percent"] == round(100 * 1 / 16, 2)
    assert main(["policy", "test", str(bundle), "--threshold", "5"]) == 0


def test_an_unpinned_production_image_is_an_error(tmp_path, capsys):
    image = ("ghcr.io/acme/fraud-scorer@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a"
             "5e886266e7ae\n    port")
    spec = flagship(tmp_path, (image, "ghcr.io/acme/fraud-scorer:latest\n    port"))
    assert run(spec, capsys) == (1, [("DEP-009", "deployments.fraud-scorer-shadow.image")])
