"""The default Rego bundle: its own tests pass with coverage, and every rule is tested.

The mutation test removes each rule (every `deny`/`warn` body that produces its code) from a
copy of the bundle and checks that the bundle's tests then fail: a rule whose removal no
test notices is not tested.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsc.policy.bundle import DECISIONS, default_bundle_dir, load_bundles
from mlopsc.policy.testing import run_tests

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = load_bundles([("default", default_bundle_dir())], tests=True)
CODES = sorted(BUNDLE.rules)
DOMAINS = ("governance", "models", "regulations", "data", "pipelines", "deployments",
           "observability", "security")


def test_policy_test_command_passes_with_coverage_over_90():
    run = subprocess.run([sys.executable, "-m", "mlopsc", "policy", "test", "policies/",
                          "--threshold", "90"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^\d+ passed, 0 failed$", run.stdout, re.MULTILINE)
    percent = float(re.search(r"coverage: ([\d.]+)%", run.stdout).group(1))
    assert percent >= 90


def test_threshold_above_coverage_fails():
    run = subprocess.run([sys.executable, "-m", "mlopsc", "policy", "test", "--threshold",
                          "100.1"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "below the threshold of 100.1%" in run.stdout


def test_at_least_30_rules_each_fully_annotated():
    assert len(CODES) >= 30
    for code, info in BUNDLE.rules.items():
        assert re.fullmatch(r"[A-Z]+-\d{3}", code)
        assert info.title and info.title != code, code
        assert info.description, code
        assert info.applies_to, code
        warning = code in ("GOV-012", "GOV-013", "DEP-008", "OBS-005")
        assert info.severity == ("warning" if warning else "error"), code
        assert info.domain in DOMAINS, code


def test_every_rule_has_a_hint():
    # Every finding tells the spec author what to write to fix it.
    assert [code for code in CODES if not (BUNDLE.hints.get(code) or "").strip()] == []


def test_every_policy_file_has_a_test_file_beside_it():
    root = default_bundle_dir()
    for path in root.rglob("*.rego"):
        if path.name.endswith("_test.rego") or path.parent.name == "lib":
            continue
        assert path.with_name(path.stem + "_test.rego").is_file(), path


def _bodies_of(code: str) -> list[tuple[str, int, int]]:
    """(file, first line, last line) of each decision body producing ``code``."""
    out = []
    for module in BUNDLE.modules:
        lines = module.source.splitlines()
        for rule in module.rules:
            body = "\n".join(lines[rule.line - 1:rule.end_line])
            if rule.name in DECISIONS and not module.is_test and f'"{code}"' in body:
                out.append((module.file.removeprefix("mlopsc/policies/"), rule.line,
                            rule.end_line))
    return out


@pytest.mark.parametrize("code", CODES)
def test_removing_the_rule_fails_its_tests(code, tmp_path):
    copy = tmp_path / "policies"
    shutil.copytree(default_bundle_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    bodies = _bodies_of(code)
    assert bodies, code
    for file, first, last in bodies:
        path = copy / file
        lines = path.read_text().splitlines()
        path.write_text("\n".join(lines[:first - 1] + [""] * (last - first + 1)
                                  + lines[last:]) + "\n")
    report = run_tests(str(copy))
    assert not report.errors
    assert report.failed, f"no test fails when {code} is removed"


def test_the_unmodified_copy_passes(tmp_path):
    copy = tmp_path / "policies"
    shutil.copytree(default_bundle_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    report = run_tests(str(copy))
    assert report.ok and len(report.cases) == len(run_tests().cases)


USER_RULE = """package acme.labels

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Models name a cost centre
# description: Every model has a cost-center label.
# custom:
#   code: ACME-001
#   severity: warning
#   applies_to: [models]
warn contains f if {
	some m in input.models
	not m.labels["cost-center"]
	f := lib.finding("ACME-001", "no cost centre", sprintf("%s.labels", [m.path]))
}
"""


@pytest.mark.parametrize("test_source, code, lines", [
    (("package acme.labels\n\nimport rego.v1\n\ntest_flagged if {\n\tcount(warn) == 1 with "
      'input as {"models": {"m": {"path": "models.m", "labels": {}}}}\n}\n'), 0,
     ["coverage: 100.0% (4/4 lines)", "1 passed, 0 failed"]),
    (("package acme.labels\n\nimport rego.v1\n\ntest_wrong if {\n\tcount(warn) == 2 with input"
      ' as {"models": {"m": {"path": "models.m", "labels": {}}}}\n}\n'), 1,
     ["FAIL  {dir}/labels_test.rego:5  test_wrong  (undefined)", "0 passed, 1 failed"]),
    ("package acme.labels\n\ntest_old_syntax {\n\ttrue\n}\n", 1,
     ["ERROR {dir}/labels_test.rego:3:17: `if` keyword is required before rule body"]),
])
def test_policy_test_of_a_user_bundle(tmp_path, capsys, test_source, code, lines):
    from mlopsc.cli import main

    (tmp_path / "labels.rego").write_text(USER_RULE)
    (tmp_path / "labels_test.rego").write_text(test_source)
    assert main(["policy", "test", str(tmp_path)]) == code
    out = capsys.readouterr().out.splitlines()
    for line in lines:
        assert line.format(dir=tmp_path) in out
