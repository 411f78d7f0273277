"""Shell completion through click: the scripts `mlopsc completion SHELL` prints, and real
completion requests answered by the installed `mlopsc` entry point.

bash runs the generated script for real (it registers with `complete`, and its function fills
COMPREPLY by calling mlopsc). zsh and fish are not installed on the test machine: their
scripts are checked as text (click's function names, the registration line), and run for
real only where the shell exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsc import registry

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MLOPSC = BIN / "mlopsc"
"""The console script pip installed beside this interpreter: what a shell runs on TAB."""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMP_", "_MLOPSC"))}
    return {**env, "PATH": f"{BIN}{os.pathsep}{env['PATH']}", **extra}


def complete(shell: str, words: str, cword: str, cwd: Path = ROOT) -> list[str]:
    """What mlopsc offers for the line ``words`` with the cursor on word ``cword``."""
    assert MLOPSC.is_file(), f"no mlopsc entry point at {MLOPSC}"
    done = subprocess.run([str(MLOPSC)], capture_output=True, text=True, cwd=cwd, check=False,
                          env=_env(_MLOPSC_COMPLETE=f"{shell}_complete", COMP_WORDS=words,
                                   COMP_CWORD=cword))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stdout.splitlines() if line]


def script(shell: str) -> str:
    done = subprocess.run([sys.executable, "-m", "mlopsc", "completion", shell],
                          capture_output=True, text=True, check=False, env=_env())
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_commands_complete_by_prefix():
    assert complete("bash", "mlopsc comp", "1") == ["plain,compile", "plain,completion"]
    assert complete("bash", "mlopsc ", "1") == [f"plain,{name}" for name in (
        "compile", "completion", "explain", "lineage", "plan", "policy", "report", "schema",
        "targets", "validate")]
    assert complete("bash", "mlopsc policy ", "2") == ["plain,test"]


def test_options_and_choices_complete():
    assert "plain,--fail-on" in complete("bash", "mlopsc validate --fa", "2")
    assert complete("bash", "mlopsc validate --format ", "3") == [
        "plain,text", "plain,json", "plain,sarif", "plain,junit", "plain,github"]
    assert complete("bash", "mlopsc lineage --graph-format m", "3") == ["plain,mermaid"]
    assert complete("bash", "mlopsc completion ", "2") == ["plain,bash", "plain,zsh",
                                                            "plain,fish"]


def test_targets_complete_from_the_registry():
    offered = complete("bash", "mlopsc compile -o out --target ", "5")
    assert offered == [f"plain,{name}" for name in sorted(registry.available())]
    assert "plain,kubernetes" in offered and "plain,prometheus" in offered
    assert complete("bash", "mlopsc validate --target kube", "3") == [
        "plain,kubeflow", "plain,kubernetes"]


def test_environments_complete_from_the_spec_on_the_line(tmp_path):
    spec = tmp_path / "team.yaml"
    spec.write_text("environments:\n  qa: {}\n  prod-eu: {}\n  prod-us: {}\n")
    line = f"mlopsc validate {spec} --env prod"
    assert complete("bash", line, "4") == ["plain,prod-eu", "plain,prod-us"]
    # the spec after the cursor counts too; zsh and fish get the same names
    assert complete("bash", f"mlopsc compile --env q -o out {spec}", "3") == ["plain,qa"]
    assert complete("zsh", f"mlopsc validate {spec} --env q", "4") == ["plain", "qa", "_"]
    assert complete("fish", f"mlopsc validate {spec} --env q", "q") == ["plain,qa"]
    # without SPEC: ./mlops.yaml (the flagship's staging and prod)
    assert complete("bash", "mlopsc validate --env ", "3") == ["plain,prod", "plain,staging"]


def test_environments_offer_only_names_the_spec_accepts(tmp_path):
    """A name with a newline would split the line-based protocol into an invented entry."""
    spec = tmp_path / "team.yaml"
    spec.write_text('environments:\n  "prod\\nEVIL $(id)": {}\n  dev: {}\n  "Bad Name": {}\n')
    assert complete("bash", f"mlopsc validate {spec} --env ", "4") == ["plain,dev"]


@pytest.mark.parametrize("content", [None, "not: [yaml", "environments: [a, b]", "- a\n"])
def test_environments_offer_nothing_for_a_spec_without_them(tmp_path, content):
    if content is not None:
        (tmp_path / "mlops.yaml").write_text(content)
    assert complete("bash", "mlopsc validate mlops.yaml --env ", "4", cwd=tmp_path) == []
    assert complete("bash", "mlopsc validate --env ", "3", cwd=tmp_path) == []


def test_environments_never_block_on_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "mlops.yaml")  # opening it would wait for a writer forever
    assert complete("bash", "mlopsc validate --env ", "3", cwd=tmp_path) == []


def test_codes_and_report_operands_complete():
    assert complete("bash", "mlopsc explain e30", "2")[:2] == ["plain,E301", "plain,E302"]
    assert complete("bash", "mlopsc report d", "2") == ["file,d", "plain,diff"]
    assert complete("bash", "mlopsc validate ex", "2") == ["file,ex"]


def test_bash_script_registers_and_completes_in_real_bash():
    text = script("bash")
    assert text == subprocess.run([str(MLOPSC), "completion", "bash"], capture_output=True,
                                  text=True, check=True, env=_env()).stdout
    probe = (f'eval "$({MLOPSC} completion bash)"\n'
             "complete -p mlopsc\n"
             "COMP_WORDS=(mlopsc comp); COMP_CWORD=1; _mlopsc_completion mlopsc\n"
             'printf "reply:%s\\n" "${COMPREPLY[@]}"\n'
             "COMPREPLY=(); COMP_WORDS=(mlopsc validate --target kubef); COMP_CWORD=3\n"
             '_mlopsc_completion mlopsc; printf "reply:%s\\n" "${COMPREPLY[@]}"\n')
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe], capture_output=True,
                          text=True, cwd=ROOT, check=False, env=_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "complete -o nosort -F _mlopsc_completion mlopsc",
        "reply:compile", "reply:completion", "reply:kubeflow"], done.stdout + done.stderr


def test_zsh_script_text():
    text = script("zsh")
    assert text.startswith("#compdef mlopsc\n")
    assert "_mlopsc_completion() {" in text
    assert "_MLOPSC_COMPLETE=zsh_complete mlopsc" in text
    assert "compdef _mlopsc_completion mlopsc" in text
    if shutil.which("zsh"):  # not installed on the test machine; run it where it is
        done = subprocess.run(["zsh", "-fc", "autoload -U compinit; compinit -u; "
                               + text], capture_output=True, text=True, env=_env(), check=False)
        assert done.returncode == 0, done.stderr


def test_fish_script_text():
    text = script("fish")
    assert "function _mlopsc_completion;" in text
    assert "_MLOPSC_COMPLETE=fish_complete" in text
    assert re.search(r"complete --no-files --command mlopsc --arguments\s*\\?\s*"
                     r'"\(_mlopsc_completion\)"', text), text
    if shutil.which("fish"):  # not installed on the test machine; run it where it is
        done = subprocess.run(["fish", "-c", text + "\ncomplete -C 'mlopsc comp'"],
                              capture_output=True, text=True, env=_env(), check=False)
        assert done.stdout.split() == ["compile", "completion"], done.stderr


def test_unknown_shell_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "mlopsc", "completion", "tcsh"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in done.stderr


def test_docs_say_how_to_enable_each_shell():
    from mlopsc.cli.cmd_completion import ENABLE

    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for line in ENABLE.values():
        assert line.split("  #")[0] in doc, line
