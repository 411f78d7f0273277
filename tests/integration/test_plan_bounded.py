"""`mlopsc plan` fits a pull-request comment: a 300-field dataset's change stays under
60,000 characters, Governance and Breaking first, with the whole plan in --full-output."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_plan import ROOT, edit, git, plan

from mlopsc.tools.plan import MAX_COMMENT_CHARS, MAX_LINE_CHARS

SNAPSHOT = "      - {name: snapshot_date, type: date}\n"
DESCRIPTION = "description: Monthly activity per subscriber."


def metric(i: int) -> str:
    return (f"      - {{name: metric_{i:03d}, type: float, kind: continuous, "
            f"description: Metric number {i} of the activity table.}}\n")


@pytest.fixture
def small(tmp_path) -> Path:
    """churn-batch as it is, committed as the base."""
    shutil.copytree(ROOT / "examples" / "churn-batch", tmp_path / "spec")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


@pytest.fixture
def wide(tmp_path) -> Path:
    """churn-batch with 300 more fields on customer-activity, committed as the base."""
    shutil.copytree(ROOT / "examples" / "churn-batch", tmp_path / "spec")
    contracts = tmp_path / "spec" / "contracts.yaml"
    edit(contracts, SNAPSHOT, SNAPSHOT + "".join(metric(i) for i in range(300)))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_description_change_on_300_fields_is_shortened(wide, capsys, tmp_path):
    # One description change: the OpenLineage export repeats all 300 fields on one line.
    spec = wide / "spec" / "mlops.yaml"
    edit(wide / "spec" / "contracts.yaml", DESCRIPTION, DESCRIPTION[:-1] + ", by month.")
    full = tmp_path / "full.md"
    status, out, err = plan(spec, "HEAD", capsys, "--full-output", str(full))
    assert status == 0, err
    whole = full.read_text()
    assert len(whole) > 65_536  # what was posted before: over GitHub's comment limit
    assert len(out) < MAX_COMMENT_CHARS
    titles = [line for line in out.splitlines() if line.startswith("### ")]
    assert titles == ["### Governance", "### Breaking changes", "### Outputs"]
    note = out.split("\n\n")[1]
    assert note.startswith("> This plan is longer than 60,000 characters")
    assert note.endswith(f"The full plan is in `{full}`.")
    assert "more characters cut]" in out
    assert max(len(line) for line in out.splitlines()) < MAX_LINE_CHARS + 100
    assert "more characters cut]" not in whole
    assert "by month." in whole.split("openlineage.jsonl", 1)[1]


def test_large_change_puts_governance_and_breaking_first(wide, capsys, tmp_path):
    spec, contracts = wide / "spec" / "mlops.yaml", wide / "spec" / "contracts.yaml"
    edit(contracts, DESCRIPTION, DESCRIPTION[:-1] + ", by month.")
    for i in range(300):  # 300 governance sentences and 300 E580 lines: they fill the comment
        edit(contracts, metric(i), "")
    edit(spec, "risk_tier: medium", "risk_tier: low")
    full = tmp_path / "full.md"
    status, out, err = plan(spec, "HEAD", capsys, "--full-output", str(full))
    assert status == 0, err
    assert "error[E580]" in err
    whole = full.read_text()
    assert len(out) < MAX_COMMENT_CHARS < len(whole)
    titles = [line for line in out.splitlines() if line.startswith("### ")]
    assert titles == ["### Governance", "### Breaking changes", "### Outputs"]
    note = out.split("\n\n")[1]
    assert note.startswith("> This plan is longer than 60,000 characters")
    assert f"The full plan is in `{full}`." in note
    assert "left out: " in note and "breaking-change lines" in note and "file diffs" in note
    assert "- model churn-model: risk tier medium → low" in out
    # The full plan holds every removed field, every diff line and every line whole.
    for i in range(300):
        assert f"field metric\\_{i:03d} removed, but the major version" in whole
    assert "more characters cut]" not in whole and "more lines" not in whole
    assert whole.index("### Outputs") < whole.index("### Governance")


def test_without_full_output_the_note_says_how_to_get_it(wide, capsys):
    spec, contracts = wide / "spec" / "mlops.yaml", wide / "spec" / "contracts.yaml"
    for i in range(300):
        edit(contracts, metric(i), "")
    status, out, err = plan(spec, "HEAD", capsys)
    assert status == 0, err
    assert len(out) < MAX_COMMENT_CHARS
    assert "Run `mlopsc plan --full-output FILE` to write the full plan" in out


def test_short_plan_is_unchanged_and_equals_the_full_plan(small, capsys, tmp_path):
    spec = small / "spec" / "mlops.yaml"
    edit(spec, "risk_tier: medium", "risk_tier: low")
    full = tmp_path / "full.md"
    status, out, err = plan(spec, "HEAD", capsys, "--full-output", str(full))
    assert status == 0, err
    assert full.read_text() == out
    assert out.startswith(f"## mlopsc plan: `{spec}` against `HEAD`\n\n### Outputs\n\n")
    assert "This plan is longer" not in out and "characters cut" not in out
    # Same bytes as without --full-output.
    assert plan(spec, "HEAD", capsys)[1] == out


def test_full_output_never_writes_through_a_symlink(small, capsys, tmp_path):
    spec = small / "spec" / "mlops.yaml"
    edit(spec, "risk_tier: medium", "risk_tier: low")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    link = tmp_path / "full.md"
    os.symlink(outside, link)
    status, _, err = plan(spec, "HEAD", capsys, "--full-output", str(link))
    assert status == 2
    assert "symbolic link" in err
    assert outside.read_text() == "keep"
