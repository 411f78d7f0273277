"""`mlopsc plan --base REF` against a real git history in a temporary repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mlopsc.cli import main
from mlopsc.tools.plan_render import _code, _fence

ROOT = Path(__file__).resolve().parents[2]
TODAY = ["--today", "2026-11-15"]
SUPPORT_CALLS = "      - {name: support_calls_30d, type: integer, kind: continuous, min: 0}\n"
FEATURES = "features: [tenure_months, monthly_charges, support_calls_30d, plan]"
# As in examples/churn-batch/mlops.yaml, byte for byte (the tests remove it from there).
WAIVER = (
    "  churn-images-by-tag:\n"
    "    rule: PIPE-002\n"
    "    subject: pipelines.churn-training\n"
    "    reason: The internal registry gets digest pinning with its migration; until then images"
    " are pinned by immutable version tags.\n"
    "    approver: platform-security@acme.example\n"
    '    expires: "2027-06-30"\n'
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c",
                           "user.name=t", *args], check=True, capture_output=True, text=True)
    return done.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new))


@pytest.fixture
def repo(tmp_path) -> Path:
    shutil.copytree(ROOT / "examples" / "churn-batch", tmp_path / "spec")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def plan(spec: Path, base: str, capsys, *extra: str) -> tuple[int, str, str]:
    # "--base=VALUE" when VALUE starts with "=": how a user passes a ref that looks like a flag.
    flag = ["--base" + base] if base.startswith("=") else ["--base", base]
    status = main(["plan", str(spec), *flag, *TODAY, *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def section(out: str, title: str) -> str:
    """The body of one ``### title`` section of the plan."""
    body = out.split(f"### {title}\n\n", 1)[1]
    return body.split("\n### ", 1)[0].rstrip("\n")


def test_plan_reports_outputs_governance_and_breaking_changes(repo, capsys):
    spec, contracts = repo / "spec" / "mlops.yaml", repo / "spec" / "contracts.yaml"
    # The removed field is in an included file: the base must read its own version of it.
    edit(contracts, SUPPORT_CALLS, "")
    edit(spec, FEATURES, "features: [tenure_months, monthly_charges, plan]")
    edit(spec, "risk_tier: medium", "risk_tier: low")
    git(repo, "commit", "-q", "-am", "change")
    status, out, err = plan(spec, "HEAD~1", capsys)
    assert status == 0, err
    assert out.startswith(f"## mlopsc plan: `{spec}` against `HEAD~1`\n\n### Outputs\n\n"
                          "0 added, 0 removed, 9 changed\n\n<details><summary>changed "
                          "<code>governance/report.json</code></summary>\n")
    assert section(out, "Governance") == (
        "- model churn-model: risk tier medium → low\n"
        "- data contract customer-activity: field support\\_calls\\_30d removed\n"
        "- monitor activity-drift: feature support\\_calls\\_30d no longer watched")
    assert section(out, "Breaking changes") == (
        "- **error E580** at `datasets.customer-activity.version`: data contract "
        "customer-activity: field support\\_calls\\_30d removed, but the major version did not "
        "change (2.0.0 → 2.0.0)")
    # The located finding goes to the log, pointing into the included file.
    assert err.startswith(f"{contracts}:6:14: error[E580]: data contract customer-activity: "
                          "field support_calls_30d removed, but the major version did not "
                          "change (2.0.0 → 2.0.0)\n")
    assert plan(spec, "HEAD~1", capsys, "--fail-on-breaking")[0] == 1


def test_a_major_bump_makes_the_same_change_a_plain_breaking_one(repo, capsys):
    contracts = repo / "spec" / "contracts.yaml"
    edit(contracts, SUPPORT_CALLS, "")
    edit(contracts, 'version: "2.0.0"', 'version: "3.0.0"')
    edit(repo / "spec" / "mlops.yaml", FEATURES, "features: [tenure_months, monthly_charges, plan]")
    # Uncommitted: plan compares the working tree with the ref.
    status, out, err = plan(repo / "spec" / "mlops.yaml", "HEAD", capsys, "--fail-on-breaking")
    assert (status, err) == (0, "")
    assert section(out, "Breaking changes") == (
        "- breaking (major version bumped): data contract customer-activity: field "
        "support\\_calls\\_30d removed")
    assert "- data contract customer-activity: version 2.0.0 → 3.0.0" in out


def test_plan_with_no_change(repo, capsys):
    status, out, err = plan(repo / "spec" / "mlops.yaml", "HEAD", capsys)
    assert (status, err) == (0, "")
    assert section(out, "Outputs") == "0 added, 0 removed, 0 changed"
    assert section(out, "Governance") == "No governance changes."
    assert section(out, "Breaking changes") == (
        "No schema or data-handling changes to data contracts, feature sets or model input "
        "schemas.")


def test_a_change_that_fixes_a_failing_policy_compares_with_the_blocked_base(repo, capsys):
    spec = repo / "spec" / "mlops.yaml"
    edit(spec, "waivers:\n" + WAIVER, "")
    git(repo, "commit", "-q", "-am", "drop the waiver: the base now fails PIPE-002")
    spec.write_text(spec.read_text() + "waivers:\n" + WAIVER)
    status, out, _ = plan(spec, "HEAD", capsys)
    assert status == 0
    note = out.split("\n\n")[1]
    assert note.startswith("> The spec at `HEAD` has ") and note.endswith(
        " error(s); outputs are compared with what mlopsc emits from it regardless.")
    # Compared with what the blocked base emits: nothing added, only files the waiver is in.
    outputs = section(out, "Outputs")
    assert outputs.startswith("0 added, 0 removed, ")
    assert "<code>governance/report.json</code>" in outputs
    assert section(out, "Governance") == (
        "- policy PIPE-002 now waived on pipelines.churn-training (waiver churn-images-by-tag),"
        " was fail\n"
        "- waiver churn-images-by-tag added: PIPE-002 on pipelines.churn-training, approved by "
        "platform-security\\@acme.example, expires 2027-06-30")


def test_spec_strings_cannot_add_markup_to_the_plan(repo, capsys):
    spec = repo / "spec" / "mlops.yaml"
    edit(spec, "approver: platform-security@acme.example",
         'approver: "<img src=x onerror=alert(1)> [x](https://evil.example) **b**"')
    status, out, _ = plan(spec, "HEAD", capsys)
    assert status == 0
    assert ("- waiver churn-images-by-tag: approver platform-security\\@acme.example → "
            "\\<img src=x onerror=alert(1)\\> \\[x\\](https\\://evil.example) \\*\\*b\\*\\*"
            ) in section(out, "Governance")
    assert "<img" not in section(out, "Governance").replace("\\<img", "")


@pytest.mark.parametrize("text, span", [
    ("HEAD~1", "`HEAD~1`"),
    ("a`b", "``a`b``"),
    ("`x", "`` `x ``"),
    ("two\nlines", "`two lines`"),
])
def test_code_spans_outlast_backticks(text, span):
    assert _code(text) == span


def test_diff_fence_outlasts_backticks_in_content():
    assert _fence(["plain"]) == "```"
    assert _fence(["+description: ```` code ````"]) == "`````"


# ---------------------------------------------------------------- errors: exit 2, one line
def test_plan_unknown_ref_is_exit_2(repo, capsys):
    assert plan(repo / "spec" / "mlops.yaml", "no-such-ref", capsys) == (
        2, "", f"mlopsc: error: --base no-such-ref: no such commit, branch or tag in {repo}\n")


def test_a_ref_that_looks_like_an_option_is_refused(repo, capsys, tmp_path):
    target = tmp_path / "written.tar"
    assert plan(repo / "spec" / "mlops.yaml", f"=--output={target}", capsys) == (
        2, "", f"mlopsc: error: --base '--output={target}' is not a git ref\n")
    assert not target.exists()


def test_plan_outside_a_repository_is_exit_2(tmp_path, capsys):
    shutil.copytree(ROOT / "examples" / "minimal", tmp_path / "spec")
    assert plan(tmp_path / "spec" / "mlops.yaml", "HEAD", capsys) == (
        2, "", (f"mlopsc: error: {tmp_path / 'spec'} is not in a git repository; plan --base "
                "needs the repository's history\n"))


def test_a_repository_without_commits_has_no_base(tmp_path, capsys):
    shutil.copytree(ROOT / "examples" / "minimal", tmp_path / "spec")
    git(tmp_path, "init", "-q")
    assert plan(tmp_path / "spec" / "mlops.yaml", "HEAD", capsys) == (
        2, "", f"mlopsc: error: --base HEAD: no such commit, branch or tag in {tmp_path}\n")


def test_a_spec_missing_at_the_ref_is_exit_2(repo, capsys):
    shutil.copy(repo / "spec" / "mlops.yaml", repo / "spec" / "copy.yaml")
    assert plan(repo / "spec" / "copy.yaml", "HEAD", capsys) == (
        2, "", "mlopsc: error: spec/copy.yaml does not exist at HEAD\n")


def test_a_current_spec_with_errors_prints_them_and_exits_1(repo, capsys):
    spec = repo / "spec" / "mlops.yaml"
    edit(spec, "risk_tier: medium", "risk_tier: severe")
    status, out, err = plan(spec, "HEAD", capsys)
    assert (status, out) == (1, "")
    assert f"{spec}:" in err and "severe" in err
