"""action.yml, the composite GitHub Action: its shell steps run here with bash, in order,
the way the runner runs them: inputs and ``github`` context substituted into ``env:`` and
``if:``, GITHUB_* and RUNNER_TEMP set, the action's path a copy of this working tree, and
mlopsc installed from it by the action's own install step (into a venv that sees the base
interpreter's packages, so only mlopsc itself is built). Steps that ``uses:`` another action
(setup-python, upload-sarif) need the network and are not run; the SARIF they would
upload is checked instead. ``gh`` (preinstalled on GitHub's runners, not here) is a
recording stand-in: the test checks what the action asks of it, not what GitHub does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
GOOD = (ROOT / "examples" / "minimal" / "mlops.yaml").read_text()
BAD = GOOD.replace("pipeline: iris-train", "pipeline: iris-trian")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INSTALL = "Install mlopsc"


def _copy_tree(dest: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    for name in sorted(set(listed.decode().split("\0")) - {""}):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


# One worker builds the module fixture (scripts/test.sh runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("action")

@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The action's path (a copy of the tree) and a venv on PATH, as a runner would have."""
    base = tmp_path_factory.mktemp("runner")
    action = base / "action"
    _copy_tree(action)
    venv.create(base / "venv", system_site_packages=True, with_pip=True)
    paths = {"action": action, "bin": base / "venv" / "bin"}
    # The action's install step, once for the module (the tests run the steps after it).
    install = next(s for s in ACTION["runs"]["steps"] if s.get("name") == INSTALL)
    env = {**os.environ, "PATH": f"{paths['bin']}:{os.environ['PATH']}",
           "GITHUB_ACTION_PATH": str(action)}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(["bash", "-e", "-c", install["run"]], cwd=base, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (paths["bin"] / "mlopsc").is_file(), "installed from the action's path"
    return paths


def _context(inputs: dict[str, str], event: str) -> dict[str, str]:
    values = {f"inputs.{name}": str(spec.get("default", ""))
              for name, spec in ACTION["inputs"].items()}
    values.update({f"inputs.{name}": value for name, value in inputs.items()})
    values.update({"github.event_name": event, "github.token": "t0ken",
                   "github.event.pull_request.number": "42"})
    values["inputs.github-token"] = "t0ken"
    return values


def _substitute(text: str, context: dict[str, str]) -> str:
    return _EXPRESSION.sub(lambda m: context[m.group(1)], text)


def _condition(expression: str, context: dict[str, str], outcomes: dict[str, str]) -> bool:
    """A step's ``if:``, for the few forms action.yml uses."""
    python = expression.replace("&&", " and ").replace("||", " or ")
    python = python.replace("always()", "True")
    python = re.sub(r"steps\.([\w-]+)\.outcome",
                    lambda m: repr(outcomes.get(m.group(1), "skipped")), python)
    python = re.sub(r"(inputs\.[\w-]+|github\.[\w.]+)", lambda m: repr(context[m.group(1)]),
                    python)
    result: bool = eval(python, {"__builtins__": {}}, {})  # our own action.yml
    return result


def _run_action(runner: dict[str, Path], workspace: Path, inputs: dict[str, str],
                event: str = "push") -> list[dict[str, Any]]:
    """Run every step in order; the record of each: name, ran, exit code, output."""
    context = _context(inputs, event)
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    summary = temp / "summary.md"
    env = {**os.environ, "PATH": f"{runner['bin']}:{temp / 'stubs'}:{os.environ['PATH']}",
           "GITHUB_ACTION_PATH": str(runner["action"]), "RUNNER_TEMP": str(temp),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(workspace),
           "GITHUB_REPOSITORY": "acme/models", "GITHUB_BASE_REF": "main",
           "GITHUB_EVENT_NAME": event, "GITHUB_ACTIONS": "true", "CI": "true"}
    env.pop("VIRTUAL_ENV", None)
    records: list[dict[str, Any]] = []
    outcomes: dict[str, str] = {}
    for step in ACTION["runs"]["steps"]:
        condition = step.get("if", "success()").replace("success()", "True")
        ran = (_condition(condition, context, outcomes) and "run" in step
               and step.get("name") != INSTALL)  # installed once by the fixture
        record: dict[str, Any] = {"name": step.get("name", step.get("uses")), "ran": ran,
                                  "step": step}
        if ran:
            assert step["shell"] == "bash"
            step_env = {k: _substitute(str(v), context) for k, v in step.get("env", {}).items()}
            assert "${{" not in step["run"], "inputs reach scripts through env: only"
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace,
                                  env={**env, **step_env}, capture_output=True, text=True,
                                  timeout=600, check=False)
            record.update(code=done.returncode, out=done.stdout, err=done.stderr)
            if "id" in step:
                outcomes[step["id"]] = "success" if done.returncode == 0 else "failure"
        records.append(record)
    return records


def _workspace(tmp_path: Path, spec: str) -> Path:
    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "mlops.yaml").write_text(GOOD)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"],
                 ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run([*git, *args], cwd=workspace, check=True, capture_output=True,
                       timeout=60)
    (workspace / "mlops.yaml").write_text(spec)
    return workspace


def _step(records: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in records if r["name"] == name)


def test_gate_passes_and_the_plan_is_commented(runner: dict[str, Path],
                                              tmp_path: Path) -> None:
    changed = GOOD.replace("Trained on 150 flowers.", "Trained on 150 flowers, once.")
    workspace = _workspace(tmp_path, changed)
    stubs = tmp_path / "runner-temp" / "stubs"
    stubs.mkdir(parents=True)
    (stubs / "gh").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RUNNER_TEMP/gh-args"\n')
    (stubs / "gh").chmod(0o755)
    records = _run_action(runner, workspace, {"targets": "kubeflow kubernetes"},
                          event="pull_request")
    gate = _step(records, "Policy gate (annotations on the pull request)")
    assert gate["code"] == 0, gate["out"] + gate["err"]
    assert "mlopsc: 0 errors" in gate["out"]
    sarif = json.loads((workspace / "mlopsc.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    plan = _step(records, "Plan")
    assert plan["ran"] and plan["code"] == 0, plan["err"]
    body = (tmp_path / "runner-temp" / "mlopsc-plan.md").read_text()
    assert "iris-classifier" in body, body
    assert body in (tmp_path / "runner-temp" / "summary.md").read_text()
    comment = _step(records, "Comment the plan on the pull request")
    assert comment["code"] == 0, comment["err"]
    assert (tmp_path / "runner-temp" / "gh-args").read_text().split("\n")[:6] == [
        "pr", "comment", "42", "--repo", "acme/models", "--body-file"]


def test_gate_blocks_a_bad_spec_with_annotations(runner: dict[str, Path],
                                                 tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, BAD)
    records = _run_action(runner, workspace, {})
    gate = _step(records, "Policy gate (annotations on the pull request)")
    assert gate["code"] == 1, gate["out"] + gate["err"]
    assert re.search(r"^::error file=mlops\.yaml,line=\d+", gate["out"], re.M), gate["out"]
    assert "iris-trian" in gate["out"]
    sarif_step = _step(records, "Findings as SARIF")
    assert sarif_step["code"] == 0, sarif_step["err"]
    sarif = json.loads((workspace / "mlopsc.sarif").read_text())
    assert sarif["runs"][0]["results"], "the blocking finding is in the SARIF"
    upload = _step(records, "Upload SARIF to code scanning")
    assert not upload["ran"] and upload["step"]["uses"].startswith(
        "github/codeql-action/upload-sarif@")
    assert upload["step"]["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert _condition(upload["step"]["if"], _context({}, "push"), {"sarif": "success"})
    assert not _step(records, "Plan")["ran"], "no plan outside a pull request"


def test_inputs_cannot_inject_commands(runner: dict[str, Path], tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, GOOD)
    hostile = '$(touch pwned) `touch pwned2`; touch pwned3 *'
    records = _run_action(runner, workspace, {"environment": hostile, "targets": hostile,
                                              "upload-sarif": "false"})
    gate = _step(records, "Policy gate (annotations on the pull request)")
    assert gate["code"] == 2, gate["out"] + gate["err"]
    assert not list(workspace.glob("pwned*"))


def test_every_input_is_documented() -> None:
    doc = (ROOT / "docs" / "ci.md").read_text()
    for name, spec in ACTION["inputs"].items():
        assert f"| `{name}` |" in doc, name
        assert spec.get("description"), name
