"""`mlopsc plan --base REF` against a real git history in a temporary repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mlopsc.cli import main

ROOT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c",
                    "user.name=t", *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    shutil.copytree(ROOT / "examples" / "churn-batch", tmp_path / "spec")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_plan_reports_outputs_governance_and_breaking_changes(repo, capsys):
    spec = repo / "spec" / "mlops.yaml"
    contracts = repo / "spec" / "contracts.yaml"
    contracts.write_text(contracts.read_text().replace(
        "      - {name: support_calls_30d, type: integer, kind: continuous, min: 0}\n", ""))
    spec.write_text(spec.read_text().replace("features: [tenure_months, monthly_charges, "
                                             "support_calls_30d, plan]",
                                             "features: [tenure_months, monthly_charges, plan]")
                    .replace("risk_tier: medium", "risk_tier: low"))
    git(repo, "commit", "-q", "-am", "change")
    status = main(["plan", str(spec), "--base", "HEAD~1", "--today", "2026-11-15"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.startswith(f"## mlopsc plan: `{spec}` against `HEAD~1`\n")
    assert "changed <code>governance/report.json</code>" in out
    assert "model churn-model: risk tier medium → low" in out
    assert ("- **error E580** (no major version bump): data contract customer-activity: "
            "field support_calls_30d removed") in out
    assert main(["plan", str(spec), "--base", "HEAD~1", "--today", "2026-11-15",
                 "--fail-on-breaking"]) == 1


def test_plan_with_no_change(repo, capsys):
    assert main(["plan", str(repo / "spec" / "mlops.yaml"), "--base", "HEAD",
                 "--today", "2026-11-15"]) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 removed, 0 changed" in out
    assert "No governance changes." in out


def test_plan_unknown_ref_is_exit_2(repo, capsys):
    assert main(["plan", str(repo / "spec" / "mlops.yaml"), "--base", "no-such-ref"]) == 2
    assert "git archive no-such-ref" in capsys.readouterr().err


def test_diff_fence_outlasts_backticks_in_content():
    from mlopsc.plan import _fence

    assert _fence(["plain"]) == "```"
    assert _fence(["+description: ```` code ````"]) == "`````"
