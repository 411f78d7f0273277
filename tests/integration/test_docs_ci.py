"""docs/ci.md: its workflow files are valid YAML, every mlopsc command in it parses, and the
"outputs are current" recipe passes on a tree compiled on another day."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlopsc.cli import main, parse_args

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", DOC, re.S)
STAND_INS = {"$AS_OF": "2026-11-15", "AS_OF": "2026-11-15",
             "origin/$GITHUB_BASE_REF": "origin/main"}


def commands() -> list[str]:
    found = [line for lang, block in BLOCKS if lang != "python" for line in block.splitlines()]
    found += re.findall(r"`(mlopsc [^`]+)`", DOC)
    return sorted({line[line.index("mlopsc "):] for line in found if "mlopsc " in line
                   and not line.lstrip().startswith(("#", "name:", "- id:"))})


def test_workflow_blocks_are_yaml():
    yaml_blocks = [text for lang, text in BLOCKS if lang == "yaml"]
    assert len(yaml_blocks) == 4
    for text in yaml_blocks:
        assert isinstance(yaml.safe_load(text), dict)


@pytest.mark.parametrize("command", commands())
def test_command_parses(command):
    words = shlex.split(re.split(r"\s(?:\|\||>)\s", command)[0])
    assert words[0] == "mlopsc"
    parse_args([STAND_INS.get(w, w) for w in words[1:]])


def test_commands_were_found():
    assert len(commands()) >= 8


def test_outputs_current_recipe_passes_on_another_day(tmp_path, monkeypatch):
    shutil.copy(ROOT / "mlops.yaml", tmp_path / "mlops.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["compile", "mlops.yaml", "-o", "deploy", "--today", "2026-11-15"]) == 0
    github = next(text for lang, text in BLOCKS if lang == "yaml" and "jobs:" in text)
    step = next(s for s in yaml.safe_load(github)["jobs"]["gate"]["steps"]
                if s.get("name") == "Committed outputs are current")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # Without the committed as_of, the same check on a later day reports the report as stale.
    assert main(["compile", "mlops.yaml", "-o", "deploy", "--check",
                 "--today", "2026-11-16"]) == 1
