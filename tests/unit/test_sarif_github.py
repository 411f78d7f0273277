"""SARIF as GitHub code scanning needs it, and the github format's summaries."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mlopsc import __version__
from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters import render
from mlopsc.formatters.sarif_rules import DOCS_BASE, anchor
from mlopsc.source import Span

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = ROOT / "tests/fixtures/schemas/sarif/sarif-schema-2.1.0.json"
NONCOMPLIANT = ROOT / "examples/noncompliant/mlops.yaml"


def _sarif(findings: list[Diagnostic]) -> dict:
    return json.loads(render("sarif", findings, tool_version="0.1.0"))


def _validate(log: dict) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert sorted(validator.iter_errors(log), key=str) == []


@pytest.fixture(scope="module")
def repo_log(tmp_path_factory) -> tuple[Path, dict, dict]:
    """The real CLI on the noncompliant example inside a git work tree, named by an absolute
    path from elsewhere and by ``../`` from a subfolder."""
    repo = tmp_path_factory.mktemp("repo")
    (repo / ".git").mkdir()
    (repo / "specs" / "team").mkdir(parents=True)
    (repo / "tools").mkdir()
    shutil.copy(NONCOMPLIANT, repo / "specs" / "team" / "mlops.yaml")
    absolute = _cli([str(repo / "specs/team/mlops.yaml")], cwd=tmp_path_factory.mktemp("away"))
    relative = _cli(["../specs/team/mlops.yaml"], cwd=repo / "tools")
    return repo, absolute, relative


def _cli(spec: list[str], cwd: Path) -> dict:
    run = subprocess.run([sys.executable, "-m", "mlopsc", "validate", *spec, "--format", "sarif"],
                         cwd=cwd, capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    return json.loads(run.stdout)


def _uris(log: dict) -> set[str]:
    return {loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in log["runs"][0]["results"] for loc in result.get("locations", [])}


def test_cli_logs_are_valid_sarif(repo_log):
    _repo, absolute, relative = repo_log
    _validate(absolute)
    _validate(relative)


@pytest.mark.parametrize("which", [1, 2])
def test_uris_are_relative_to_the_repository_root(repo_log, which):
    repo, log = repo_log[0], repo_log[which]
    assert _uris(log) == {"specs/team/mlops.yaml"}
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.as_uri() + "/"
    for result in log["runs"][0]["results"]:
        for location in result.get("locations", []):
            assert location["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_no_base_uri_when_run_from_the_root(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    log = _sarif([Diagnostic("E306", Severity.ERROR, "x", span=Span("a/m.yaml", 1, 1, 1, 2))])
    assert "originalUriBaseIds" not in log["runs"][0]
    assert _uris(log) == {"a/m.yaml"}


def test_every_rule_has_help_and_a_help_uri_that_exists(repo_log):
    diagnostics_doc = (ROOT / "docs/diagnostics.md").read_text(encoding="utf-8")
    anchors = {anchor(h) for h in re.findall(r"^#+ (.+)$", diagnostics_doc, re.M)}
    policies_doc = (ROOT / "docs/policies.md").read_text(encoding="utf-8")
    policy_anchors = {anchor(h) for h in re.findall(r"^#+ (.+)$", policies_doc, re.M)}
    rules = repo_log[1]["runs"][0]["tool"]["driver"]["rules"]
    log = _sarif([Diagnostic("E306", Severity.ERROR, "x"), Diagnostic("W320", Severity.WARNING,
                                                                      "y")])
    for rule in rules + log["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["help"]["text"] and rule["help"]["markdown"], rule["id"]
        # SARIF 3.49.12: an absolute URI; mlopsc's repository at this release's tag.
        assert rule["helpUri"].startswith(f"https://github.com/mlopsc/mlopsc/blob/v{__version__}/")
        doc, _, fragment = rule["helpUri"].removeprefix(DOCS_BASE).partition("#")
        assert doc in ("docs/diagnostics.md", "docs/policies.md"), rule["id"]
        assert fragment in (anchors if doc == "docs/diagnostics.md" else policy_anchors)
        assert rule["helpUri"] in rule["help"]["markdown"]


def test_security_rules_carry_security_severity(repo_log):
    rules = repo_log[1]["runs"][0]["tool"]["driver"]["rules"]
    security = {r["id"]: r.get("properties", {}) for r in rules}
    sec = [code for code in security if code.startswith("SEC-")]
    assert sec
    for code, properties in security.items():
        if code.startswith("SEC-"):
            assert 0 < float(properties["security-severity"]) <= 10
            assert "security" in properties["tags"]
        else:
            assert "security-severity" not in properties, code
    loader = _sarif([Diagnostic("E118", Severity.ERROR, "x")])["runs"][0]["tool"]["driver"]
    assert loader["rules"][0]["properties"]["security-severity"] == "7.5"


def _fingerprints(findings: list[Diagnostic]) -> list[str]:
    return [r["partialFingerprints"]["mlopsc/v1"] for r in _sarif(findings)["runs"][0]["results"]]


def test_fingerprints_survive_line_shifts_and_tell_findings_apart():
    def finding(line: int, path: str = "models.a.owner", code: str = "E306") -> Diagnostic:
        return Diagnostic(code, Severity.ERROR, f"at line {line}", path=path,
                          span=Span("m.yaml", line, 3, line, 9))

    assert _fingerprints([finding(4)]) == _fingerprints([finding(40)])
    assert _fingerprints([finding(4)]) != _fingerprints([finding(4, "models.b.owner")])
    assert _fingerprints([finding(4)]) != _fingerprints([finding(4, code="E301")])
    twice = _fingerprints([finding(4), finding(5)])
    assert len(set(twice)) == 2


def test_cli_fingerprints_unique_and_stable(repo_log):
    _repo, absolute, relative = repo_log
    prints = [r["partialFingerprints"]["mlopsc/v1"] for r in absolute["runs"][0]["results"]]
    assert len(prints) == len(set(prints))
    assert prints == [r["partialFingerprints"]["mlopsc/v1"]
                      for r in relative["runs"][0]["results"]]


# --- github: count line and job summary -------------------------------------------------

def _many(errors: int, warnings: int = 0) -> list[Diagnostic]:
    return ([Diagnostic("E306", Severity.ERROR, f"e{i} | <b>", path=f"models.m{i}")
             for i in range(errors)]
            + [Diagnostic("W320", Severity.WARNING, f"w{i}", path=f"models.m{i}")
               for i in range(warnings)])


def test_count_line_when_everything_is_shown(monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = render("github", _many(10, 10), tool_version="0")
    assert out.splitlines()[-1] == ("mlopsc: 10 errors, 10 warnings, 0 notes, 0 waived; "
                                    "all shown as annotations")
    assert not summary.exists()


def test_more_than_github_shows_goes_to_the_job_summary(monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = render("github", _many(13, 25), tool_version="0")
    # 20 warnings printed (20 per code), 10 of them annotated; 3 errors beyond 10; 5 unprinted
    assert out.splitlines()[-1].startswith("mlopsc: 13 errors, 25 warnings, 0 notes, 0 waived; "
                                           "18 not shown as annotations (GitHub shows 10 per")
    text = summary.read_text()
    assert text.startswith("earlier step\n## mlopsc findings\n")  # appended, not replaced
    rows = [line for line in text.splitlines() if line.startswith("| error") or
            line.startswith("| warning")]
    assert len(rows) == 33
    assert "e0 \\| \\<b\\>" in text and "5 more findings not shown" in text


def test_job_summary_never_through_a_symlink(monkeypatch, tmp_path):
    from mlopsc.errors import MlopscError

    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    link = tmp_path / "summary.md"
    link.symlink_to(victim)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(link))
    with pytest.raises(MlopscError, match="symbolic link"):
        render("github", _many(11), tool_version="0")
    assert victim.read_text() == "keep\n" and link.is_symlink()


def test_job_summary_without_the_variable_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    render("github", _many(11), tool_version="0")
    assert list(tmp_path.iterdir()) == []
