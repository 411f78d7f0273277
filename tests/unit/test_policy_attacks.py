"""Attacks on the organisation's terms, each of which once ended in exit 0: a spec-given
bundle in a reserved package, an ISO week date as an expiry, invisible characters that make
one person two, and Kubernetes names that only the API server would refuse.

Each case runs the real CLI in-process on the flagship or the minimal example and asserts
the exact blocking codes; the control beside it shows the attack's effect without the fix
would be a pass (the same spec without the attack passes, or blocks on the rule).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_policy_bypasses import FLAGSHIP, flagship, run

MINIMAL = FLAGSHIP.parent / "examples/minimal/mlops.yaml"


def minimal(tmp_path: Path, *edits: tuple[str, str], tail: str = "") -> Path:
    text = MINIMAL.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text + tail)
    return spec


def codes(found: list[tuple[str, str]]) -> list[str]:
    return sorted({code for code, _ in found})


# ------------------------------------------------------------------ reserved packages
@pytest.mark.parametrize("package", ["org", "org.limits", "mlopsc.lib", "mlopsc.lib.config"])
def test_a_spec_bundle_in_a_reserved_package_blocks(tmp_path, capsys, package):
    """`package org` beside --data once set max_retries for the organisation: PIPE-004,
    mandatory, stopped firing and the run passed."""
    (tmp_path / "pol").mkdir()
    (tmp_path / "pol/x.rego").write_text(f"package {package}\n\nimport rego.v1\n\n"
                                         "max_retries := 100\n")
    (tmp_path / "org.yaml").write_text("mandatory_rules: [PIPE-004]\n")
    spec = minimal(tmp_path, ("retries: {limit: 1}", "retries: {limit: 50}"),
                   tail="governance:\n  policies: [pol]\n")
    status, found = run(spec, capsys, "--data", str(tmp_path / "org.yaml"))
    assert status == 1 and "E415" in codes(found)


def test_a_spec_bundle_in_a_package_of_its_own_is_evaluated(tmp_path, capsys):
    (tmp_path / "pol").mkdir()
    (tmp_path / "pol/x.rego").write_text("package acme.limits\n\nimport rego.v1\n\n"
                                         "max_retries := 100\n")
    spec = minimal(tmp_path, ("retries: {limit: 1}", "retries: {limit: 50}"),
                   tail="governance:\n  policies: [pol]\n")
    status, found = run(spec, capsys)
    assert status == 1 and codes(found) == ["PIPE-004"]  # the organisation's limit holds


# ------------------------------------------------------------------ dates
WAIVER = ('waivers:\n  w1: {rule: PIPE-001, subject: "pipelines.*", reason: legacy build, '
          'approver: ciso@acme.example, expires: "%s"}\n')


@pytest.mark.parametrize("expires", ["2026-W01-1", "2026-335", "20261231", "2026-12-3"])
def test_only_calendar_dates_expire_waivers(tmp_path, capsys, expires):
    """`2026-W01-1` (2025-12-29) sorted after every digit as text, so it never expired."""
    spec = minimal(tmp_path, ("iris-train:1.0.0", "iris-train:latest"),
                   tail=WAIVER % expires)
    status, found = run(spec, capsys)
    assert status == 1 and {"E314", "PIPE-001"} <= set(codes(found))


def test_a_calendar_date_in_the_past_expires_the_waiver(tmp_path, capsys):
    spec = minimal(tmp_path, ("iris-train:1.0.0", "iris-train:latest"),
                   tail=WAIVER % "2025-12-29")
    status, found = run(spec, capsys)
    assert status == 1 and codes(found) == ["PIPE-001", "W401"]


# ------------------------------------------------------------------ invisible characters
@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\ufeff", "\u00a0", "\u202e", "\u2060"])
def test_an_approval_with_an_invisible_character_is_refused(tmp_path, capsys, char):
    """One person twice, once with an invisible character, counted as two approvals."""
    twice = ("- {by: maria.keller@acme.example, role: ml-lead",
             "- {by: maria.keller@acme.example, role: ml-lead, date: \"2026-11-05\", stage: "
             "production, version: \"2.3.0\"}\n      - {by: \"tom.okafor@acme.example"
             + char.encode("unicode_escape").decode().replace("\\x", "\\u00") + "\", role: ml-lead")
    spec = flagship(tmp_path, twice)
    status, found = run(spec, capsys)
    assert status == 1 and "E330" in codes(found)


def test_an_owner_cannot_approve_with_an_invisible_character(tmp_path, capsys):
    spec = minimal(tmp_path, ("iris-train:1.0.0", "iris-train:latest"),
                   tail=WAIVER.replace("ciso@acme.example", '"team-ml-platform\\u200b"')
                   % "2026-12-20")
    status, found = run(spec, capsys)
    assert status == 1 and "E330" in codes(found)
    control = minimal(tmp_path, ("iris-train:1.0.0", "iris-train:latest"),
                      tail=WAIVER.replace("ciso@acme.example", "team-ml-platform")
                      % "2026-12-20")
    assert "E414" in codes(run(control, capsys)[1])


# ------------------------------------------------------------------ Kubernetes names
HOSTILE = "x{{ 7*7 }}'''\\\\ $(id)"


@pytest.mark.parametrize(("edit", "code"), [
    (("owner: team-ml-platform\n    orchestrator", ("owner: team-ml-platform\n"
      f"    service_account: \"{HOSTILE}\"\n    orchestrator")), "E303"),
    (("owner: team-ml-platform\n    orchestrator", ("owner: team-ml-platform\n"
      "    image_pull_secrets: [Regcred]\n    orchestrator")), "E303"),
    (("retries: {limit: 1}", ("retries: {limit: 1}\n        volumes: [{name: Data, "
      "mount_path: /data}]")), "E303"),
    (("retries: {limit: 1}", ("retries: {limit: 1}\n        volumes: [{name: data, "
      "mount_path: /data/../etc}]")), "E340"),
    (("retries: {limit: 1}", ("retries: {limit: 1}\n        volumes: [{name: data, "
      "mount_path: \"/data:ro\"}]")), "E340"),
    (("retries: {limit: 1}", ("retries: {limit: 1}\n        volumes: [{name: data, "
      f"pvc: \"{HOSTILE}\", mount_path: /data}}]")), "E303"),
    (("retries: {limit: 1}", "retries: {limit: 1}\n        tolerations: [{key: \"a/b/c\"}]"),
     "E303"),
    (("retries: {limit: 1}", ("retries: {limit: 1}\n        tolerations: [{key: gpu, "
      f"value: \"{HOSTILE}\"}}]")), "E303"),
    (("owner: team-ml-platform\n    orchestrator", ("owner: team-ml-platform\n"
      "    timezone: localtime\n    orchestrator")), "E337"),
])
def test_names_kubernetes_refuses_are_refused_at_validate(tmp_path, capsys, edit, code):
    status, found = run(minimal(tmp_path, edit), capsys)
    assert status == 1 and code in codes(found)


def test_well_formed_kubernetes_names_pass(tmp_path, capsys):
    spec = minimal(tmp_path, ("owner: team-ml-platform\n    orchestrator",
                              ("owner: team-ml-platform\n    service_account: ml-runner\n"
                              "    image_pull_secrets: [regcred]\n    orchestrator")),
                   ("retries: {limit: 1}", ("retries: {limit: 1}\n        volumes: [{name: "
                    "data, pvc: training-data, mount_path: /data}]\n        tolerations: "
                    "[{key: nvidia.com/gpu, value: present}]")))
    status, found = run(spec, capsys)
    assert (status, codes(found)) == (0, [])


# ------------------------------------------------------------------ links
@pytest.mark.parametrize("link", ["javascript:alert(3)", "JavaScript:alert(3)",
                                  "data:text/html,<script>x</script>", "vbscript:x", "file:///etc"])
def test_a_link_that_would_run_in_the_readers_browser_is_refused(tmp_path, capsys, link):
    """Runbooks become links in Alertmanager and Grafana, risk assessments in model cards."""
    spec = flagship(tmp_path, ("runbook: https://runbooks.acme.example/fraud/drift",
                               f"runbook: {link!r}"),
                    ("risk_assessment: ", f"risk_assessment: {link!r} # "))
    assert run(spec, capsys) == (1, [("E341", "models.fraud-detector.risk_assessment"),
                                     ("E341", "monitors.scorer-feature-drift.runbook")])


@pytest.mark.parametrize("link", ["https://wiki.acme.example/risk/fraud", "RISK-2026-014",
                                  "docs/risk/fraud.md", "http://intranet/runbook"])
def test_web_links_and_references_without_a_scheme_pass(tmp_path, capsys, link):
    spec = flagship(tmp_path, ("risk_assessment: ", f"risk_assessment: {link!r} # "))
    assert run(spec, capsys) == (0, [])
