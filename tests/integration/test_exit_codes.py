"""The exit-code contract of docs/cli.md, command by command, through the real CLI process:
0 done, 1 findings block, 2 could not run (usage included), 130 interrupted, 141 broken pipe."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = str(ROOT / "mlops.yaml")
NONCOMPLIANT = str(ROOT / "examples" / "noncompliant" / "mlops.yaml")
BROKEN = "datasets: {Bad_Name: {}}\n"  # an error that stops lowering: nothing to report


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlopsc.cli", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


CASES = {
    # command: [(args, exit code)], args formatted with {tmp}; every command has a row that
    # passes (0), one that blocks (1) where it can, and usage errors (2)
    "validate": [(("validate", FLAGSHIP), 0), (("validate", NONCOMPLIANT), 1),
                 (("validate", "--format", "json", NONCOMPLIANT, "--fail-on", "error"), 1),
                 (("validate", "missing.yaml"), 2), (("validate", "--no-such-flag"), 2),
                 (("validate", FLAGSHIP, "--format", "yaml"), 2),
                 (("validate", FLAGSHIP, "--fail-on", "note"), 2),
                 (("validate", FLAGSHIP, "--max-bytes", "ten"), 2),
                 (("validate", FLAGSHIP, "--today", "yesterday"), 2),
                 (("validate", FLAGSHIP, "--env"), 2),
                 (("validate", FLAGSHIP, FLAGSHIP), 2),
                 (("validate", FLAGSHIP, "--env", "prd"), 2),
                 (("validate", FLAGSHIP, "--target", "kubernets"), 2)],
    "compile": [(("compile", FLAGSHIP, "-o", "{tmp}/out"), 0),
                (("compile", "-o", "{tmp}/out", "--check", FLAGSHIP), 0),
                (("compile", NONCOMPLIANT, "-o", "{tmp}/out"), 1),
                (("compile", FLAGSHIP, "-o", "{tmp}/out", "--check", "--target", "inventory"), 1),
                (("compile", FLAGSHIP, "-o", "{tmp}/out", "--target", "kubernets"), 2),
                (("compile", FLAGSHIP, "-o", "{tmp}/out", "--env", "prd"), 2),
                (("compile", FLAGSHIP, "-o", "{tmp}/out", "--set", "nonsense"), 2),
                (("compile", FLAGSHIP, "-o", "{tmp}/out", "--prune=yes"), 2),
                (("compile", FLAGSHIP), 2)],
    "lineage": [(("lineage", FLAGSHIP), 0), (("lineage", "--graph-format", "dot", FLAGSHIP), 0),
                (("lineage", "{tmp}/broken.yaml"), 1),
                (("lineage", FLAGSHIP, "--impact", "dataset:nope"), 2),
                (("lineage", FLAGSHIP, "--graph-format", "png"), 2),
                (("lineage", FLAGSHIP, "--impact", "a", "--upstream", "b"), 2)],
    "report": [(("report", FLAGSHIP), 0), (("report", FLAGSHIP, "--format", "text"), 0),
               (("report", "--format", "json", FLAGSHIP), 0),
               (("report", "{tmp}/broken.yaml"), 1), (("report", "diff", FLAGSHIP), 2),
               (("report", FLAGSHIP, FLAGSHIP), 2), (("report", "--no-such-flag"), 2),
               (("report", FLAGSHIP, "--format", "yaml"), 2)],
    "policy": [(("policy", "test"), 0), (("policy", "test", "--format", "json"), 0),
               (("policy", "test", "--threshold", "100.5"), 1),
               (("policy", "test", "{tmp}/no-such-bundle"), 2), (("policy",), 2),
               (("policy", "tset"), 2), (("policy", "test", "--threshold", "most"), 2),
               (("policy", "test", "--format", "sarif"), 2)],
    "targets": [(("targets",), 0), (("targets", "extra"), 2), (("targets", "--format", "x"), 2)],
    "schema": [(("schema",), 0), (("schema", "--format", "json"), 2)],
    "explain": [(("explain", "E306"), 0), (("explain", "DEP-006"), 0), (("explain", "E3O6"), 2),
                (("explain",), 2), (("explain", "E306", "E307"), 2)],
    "completion": [(("completion", "bash"), 0), (("completion", "zsh"), 0),
                   (("completion", "fish"), 0), (("completion", "tcsh"), 2),
                   (("completion",), 2)],
    "(none)": [((), 2), (("no-such-command",), 2), (("--no-such-flag",), 2),
               (("--version",), 0), (("--help",), 0), (("-h",), 0)],
}


@pytest.mark.parametrize("command", CASES, ids=list(CASES))
def test_exit_codes(command, tmp_path):
    (tmp_path / "broken.yaml").write_text(BROKEN)
    for args, code in CASES[command]:
        run = run_cli(*(a.format(tmp=tmp_path) for a in args), cwd=tmp_path)
        assert run.returncode == code, (args, run.stdout[-2000:], run.stderr[-2000:])
        assert "Traceback" not in run.stderr, (args, run.stderr)
        if code == 2:  # one line that says what is wrong, or E114 at the spec's environments
            assert run.stderr.startswith("mlopsc: error: ") or "E114" in run.stdout, args


def test_every_command_has_its_exit_code_rows():
    from mlopsc.cli import COMMANDS

    assert set(CASES) == (set(COMMANDS) - {"plan"}) | {"(none)"}  # plan: test_plan_exit_codes
    for command in set(COMMANDS) - {"plan"}:
        codes = {code for _, code in CASES[command]}
        assert {0, 2} <= codes, command


@pytest.mark.parametrize("command", ["validate", "compile", "lineage", "report", "plan",
                                     "policy", "targets", "schema", "explain", "completion"])
def test_help_of_every_command(command, tmp_path):
    run = run_cli(command, "--help", cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.startswith(f"Usage: mlopsc {command} ")
    assert run_cli(command, "-h", cwd=tmp_path).stdout == run.stdout


def test_unknown_environment_and_target_both_suggest(tmp_path):
    env = run_cli("validate", FLAGSHIP, "--env", "prd", cwd=tmp_path)
    target = run_cli("validate", FLAGSHIP, "--target", "kubernets", cwd=tmp_path)
    assert env.returncode == target.returncode == 2
    assert "did you mean 'prod'?" in env.stdout
    assert "did you mean 'kubernetes'?" in target.stderr


def test_plan_exit_codes(tmp_path):
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "examples" / "churn-batch", spec)
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    for step in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *step], check=True, capture_output=True)
    assert run_cli("plan", "--base", "HEAD", "spec/mlops.yaml", cwd=tmp_path).returncode == 0
    bad = run_cli("plan", "--base", "no-such-ref", "spec/mlops.yaml", cwd=tmp_path)
    assert bad.returncode == 2, bad.stderr
    assert run_cli("plan", "spec/mlops.yaml", cwd=tmp_path).returncode == 2  # --base is required
    assert run_cli("plan", "spec/mlops.yaml", "--base", "HEAD", "--fail-on-breaking",
                   cwd=tmp_path).returncode == 0
    assert run_cli("plan", "--base", "HEAD", "--no-such-flag", cwd=tmp_path).returncode == 2


def test_broken_pipe_is_141(tmp_path):
    """The reader of standard output goes away: exit as a process killed by SIGPIPE."""
    proc = subprocess.Popen([sys.executable, "-m", "mlopsc.cli", "schema"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err


def test_interrupt_is_130(tmp_path):
    """Ctrl-C while the gate waits for an OPA server (one on loopback that never answers)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(120)
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        proc = subprocess.Popen([sys.executable, "-m", "mlopsc.cli", "validate", FLAGSHIP,
                                 "--opa-url", url, "--policy-timeout", "300"], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            connection, _ = server.accept()  # mlopsc is now waiting on the request
            with connection:
                os.kill(proc.pid, signal.SIGINT)
                _, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, err
    assert "mlopsc: interrupted" in err


def test_report_diff_takes_options_anywhere(tmp_path):
    """`report diff --format md OLD NEW`: an option between the word diff and its operands."""
    made = run_cli("report", FLAGSHIP, "--format", "json", "-o", "r.json", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    outputs = set()
    for args in (("report", "diff", "--format", "md", "r.json", "r.json"),
                 ("report", "diff", "r.json", "--format", "md", "r.json"),
                 ("report", "--format", "md", "diff", "r.json", "r.json")):
        run = run_cli(*args, cwd=tmp_path)
        assert run.returncode == 0, (args, run.stderr)
        outputs.add(run.stdout)
    assert len(outputs) == 1 and "No governance changes." in outputs.pop()
    report = run_cli("report", "--format", "text", FLAGSHIP, cwd=tmp_path)
    assert report.returncode == 0 and "# Governance report: fraud-platform" in report.stdout
