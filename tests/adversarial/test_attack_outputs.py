"""What mlopsc prints and writes, when the spec and the repository come from a pull request.

Files the command line names (``--output-file``, ``report -o``) are never written through a
symlink or into something that is not a regular file; every spec-given string that a human
format prints stays on one line with no control, separator or bidi character; engine errors
reach findings without a Rust stack trace. Real files, real symlinks, FIFOs and hard links,
a real git work tree, the real CLI in a subprocess and the real regorus engine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsc.policy.errors import MAX_ENGINE_MESSAGE, PolicyEngineError, engine_message
from mlopsc.source import format_path, parse_path

MINIMAL = Path(__file__).resolve().parents[2] / "examples/minimal/mlops.yaml"
TIMEOUT = 60
# Characters no human format may print raw: a line break starts a line a CI runner reads
# (GitHub Actions runs any line whose trimmed start is "::"), ESC rewrites a terminal,
# bidi controls reorder what a reviewer reads.
UNSAFE = ("\r", "\x0b", "\x0c", "\x1b", "\x00", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
          "\u202a", "\u202e", "\u2066", "\u2069")
HUMAN = ("text", "junit", "github")


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "mlopsc", *args], cwd=cwd, check=False,
                         capture_output=True, text=True, timeout=TIMEOUT,
                         stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode in (0, 1, 2), (run.returncode, run.stderr[-3000:])
    return run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """tmp/repo: a git work tree holding a valid spec (the pull request's files)."""
    folder = tmp_path / "repo"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / "mlops.yaml").write_text(MINIMAL.read_text())
    return folder


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the repository that a planted symlink points at."""
    path = tmp_path / "outside" / "authorized_keys"
    path.parent.mkdir()
    path.write_text("VICTIM\n")
    return path


# --- H1: files named on the command line ----------------------------------------------

WRITERS = {
    "validate --output-file": ("validate", "mlops.yaml", "--output-file"),
    "validate --format sarif --output-file": ("validate", "mlops.yaml", "--format", "sarif",
                                              "--output-file"),
    "lineage --output-file": ("lineage", "mlops.yaml", "--output-file"),
    "report -o": ("report", "mlops.yaml", "-o"),
    "report --format json -o": ("report", "mlops.yaml", "--format", "json", "-o"),
}


def _refused(run: subprocess.CompletedProcess, name: str, why: str) -> None:
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith(f"mlopsc: error: refusing to write {name}: {why}")


@pytest.mark.parametrize("command", WRITERS.values(), ids=WRITERS.keys())
def test_a_planted_symlink_is_refused_and_its_target_untouched(repo, victim, command):
    (repo / "out.txt").symlink_to(os.path.relpath(victim, repo))
    run = run_cli(*command, "out.txt", cwd=repo)
    _refused(run, "out.txt", "it is a symbolic link")
    assert victim.read_text() == "VICTIM\n"
    assert (repo / "out.txt").is_symlink()
    assert sorted(p.name for p in repo.iterdir()) == [".git", "mlops.yaml", "out.txt"]


@pytest.mark.parametrize("command", WRITERS.values(), ids=WRITERS.keys())
def test_a_dangling_symlink_creates_nothing_outside(repo, tmp_path, command):
    target = tmp_path / "outside-new.sh"
    (repo / "out.txt").symlink_to(target)
    run = run_cli(*command, "out.txt", cwd=repo)
    _refused(run, "out.txt", "it is a symbolic link")
    assert not target.exists()


@pytest.mark.parametrize("kind", ["fifo", "directory"])
@pytest.mark.parametrize("command", WRITERS.values(), ids=WRITERS.keys())
def test_a_name_that_is_not_a_regular_file_is_refused(repo, command, kind):
    # open(..., "w") of a FIFO with no reader blocked forever; a directory gave EISDIR.
    out = repo / "out.txt"
    os.mkfifo(out) if kind == "fifo" else out.mkdir()
    run = run_cli(*command, "out.txt", cwd=repo)
    _refused(run, "out.txt", "it is a directory" if kind == "directory"
             else "it is not a regular file")


@pytest.mark.parametrize("command", WRITERS.values(), ids=WRITERS.keys())
def test_a_regular_file_is_replaced_keeping_its_mode(repo, command):
    out = repo / "out.txt"
    out.write_text("old\n")
    out.chmod(0o640)
    run = run_cli(*command, "out.txt", cwd=repo)
    assert run.returncode in (0, 1), run.stderr
    assert out.read_text() not in ("", "old\n")
    assert (out.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in repo.iterdir()) == [".git", "mlops.yaml", "out.txt"]


@pytest.mark.parametrize("command", WRITERS.values(), ids=WRITERS.keys())
def test_a_hard_link_is_replaced_not_written_through(repo, victim, command):
    os.link(victim, repo / "out.txt")
    run = run_cli(*command, "out.txt", cwd=repo)
    assert run.returncode in (0, 1), run.stderr
    assert victim.read_text() == "VICTIM\n"
    assert (repo / "out.txt").read_text() != "VICTIM\n"


def test_a_new_file_is_created_with_the_umask_and_nothing_left_beside_it(repo):
    run = run_cli("report", "mlops.yaml", "-o", "sub/report.md", cwd=repo)
    assert run.returncode == 2 and "cannot write sub/report.md" in run.stderr
    (repo / "sub").mkdir()
    old = os.umask(0o027)
    try:
        run = run_cli("report", "mlops.yaml", "-o", "sub/report.md", cwd=repo)
    finally:
        os.umask(old)
    assert run.returncode == 0, run.stderr
    assert [p.name for p in (repo / "sub").iterdir()] == ["report.md"]
    assert ((repo / "sub/report.md").stat().st_mode & 0o777) == 0o640
    assert (repo / "sub/report.md").read_text().startswith("<!-- generated by mlopsc")


# --- M3 / L6: spec strings in human formats -------------------------------------------

def _assert_one_line_each(out: str, fmt: str, findings: int) -> None:
    for char in UNSAFE:
        assert char not in out, (fmt, repr(char))
    commands = [line for line in out.splitlines() if line.strip().startswith("::")]
    assert len(commands) == (findings if fmt == "github" else 0), (fmt, commands)
    assert not [line for line in out.splitlines() if line.strip().startswith("##[")]


FORGED_KEY = "evil\n::error file=README.md,line=1::forged\n##[error]legacy\u202e\x85"


def test_a_key_with_line_breaks_cannot_forge_a_workflow_command(repo):
    spec = (repo / "mlops.yaml").read_text()
    key = json.dumps(FORGED_KEY)
    (repo / "mlops.yaml").write_text(spec.replace("iris-classifier:\n    owner",
                                                  f"{key}:\n    owner", 1))
    for fmt in HUMAN:
        run = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=repo)
        assert run.returncode == 1
        count = json.loads(run_cli("validate", "mlops.yaml", "--format", "json",
                                   cwd=repo).stdout)["summary"]["total"]
        _assert_one_line_each(run.stdout, fmt, count)
    text = run_cli("validate", "mlops.yaml", cwd=repo).stdout
    assert ('= path: models["evil\\n::error file=README.md,line=1::forged\\n##[error]legacy'
            '\\u202e\\x85"]') in text
    assert "= hint: defined: evil\\n::error" in text
    # JSON is structured: the key arrives as it is, and the path reads back to it.
    doc = json.loads(run_cli("validate", "mlops.yaml", "--format", "json", cwd=repo).stdout)
    paths = [parse_path(d["path"]) for d in doc["diagnostics"] if d["code"] == "E330"]
    assert ("models", FORGED_KEY) in paths


INCLUDES = ["x\n::error file=evil::PWNED%0A", "\x1b[2J\x1b[31mRED", "\r::notice::cr",
            "\u202eevil.yaml", "a\u2028::warning::ls"]


def test_include_names_are_escaped_in_every_human_format(repo):
    (repo / "mlops.yaml").write_text("apiVersion: mlopsc/v1\nmetadata: {name: a, owner: b}\n"
                                     f"include: {json.dumps(INCLUDES)}\n")
    for fmt in HUMAN:
        run = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=repo)
        assert run.returncode == 1
        _assert_one_line_each(run.stdout, fmt, len(INCLUDES))
    text = run_cli("validate", "mlops.yaml", cwd=repo).stdout
    for shown in ("x\\n::error file=evil::PWNED%0A", "\\x1b[2J\\x1b[31mRED", "\\r::notice::cr",
                  "\\u202eevil.yaml", "a\\u2028::warning::ls"):
        assert f"'{shown}'" in text  # named, escaped (E110, or E124 for control characters)


POLICY = """package spec.rules

import rego.v1

# METADATA
# title: hostile
# custom:
#   code: SPEC-001
#   applies_to: [models]
#   hint: "h\\n::add-mask::hint\\u202e"
deny contains f if {
    some m in input.models
    f := {"code": "SPEC-001", "path": ["models", m.name],
          "msg": "m\\n::stop-commands::tok\\r::error::x\\u001b[2J\\u2066"}
}
"""


def test_messages_and_hints_of_a_spec_given_policy_are_escaped(repo):
    (repo / "pol").mkdir()
    (repo / "pol/hostile.rego").write_text(POLICY)
    with (repo / "mlops.yaml").open("a") as spec:
        spec.write("governance:\n  policies: [pol]\n")
    for fmt in HUMAN:
        run = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=repo)
        assert run.returncode == 1, run.stderr
        assert "SPEC-001" in run.stdout
        _assert_one_line_each(run.stdout, fmt, 1)
    text = run_cli("validate", "mlops.yaml", cwd=repo).stdout
    assert "m\\n::stop-commands::tok\\r::error::x\\x1b[2J\\u2066" in text
    assert "= hint: h\\n::add-mask::hint\\u202e" in text


def test_excerpt_escapes_bidi_and_keeps_carets_under_the_span(repo):
    (repo / "mlops.yaml").write_text(
        "apiVersion: mlopsc/v1\nmetadata: {name: a, owner: b}\n"
        "models:\n  m: {owner: \"\u202e\u2066x\", bogus: 1}\n")
    out = run_cli("validate", "mlops.yaml", cwd=repo).stdout
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if "error[E202]" in line) + 1
    assert lines[row] == '  4 |   m: {owner: "\\u202e\\u2066x", bogus: 1}'
    assert lines[row + 1] == "    |" + " " * (lines[row].index("bogus") - 5) + "^^^^^"


@pytest.mark.parametrize("key, shown", [
    ("plain-name", "models.plain-name"),
    ("a.b", 'models["a.b"]'),
    ('q"\\', 'models["q\\"\\\\"]'),
    ("l\nf", 'models["l\\nf"]'),
    ("c\rr\t", 'models["c\\rr\\t"]'),
    ("esc\x1b[31m", 'models["esc\\x1b[31m"]'),
    ("bidi\u202egnp", 'models["bidi\\u202egnp"]'),
    ("sep\u2028\u2029", 'models["sep\\u2028\\u2029"]'),
    ("nel\x85del\x7f", 'models["nel\\x85del\\x7f"]'),
    ("lit\\n", 'models["lit\\\\n"]'),
])
def test_format_path_quotes_and_escapes_keys_and_reads_them_back(key, shown):
    assert format_path(("models", key)) == shown
    assert parse_path(shown) == ("models", key)


# --- L8: engine errors ----------------------------------------------------------------

def _write_big_rego(folder: Path) -> None:
    folder.mkdir()
    (folder / "big.rego").write_text("package org.big\n\nimport rego.v1\n\n"
                                     + ("# " + "x" * 98 + "\n") * 11_000)


@pytest.mark.parametrize("source, message", [
    (None, "pol/big.rego exceeds maximum allowed policy file size 1048576 bytes"),
    ("package org.bad\nx := [\n", "expecting expression"),
])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_an_engine_error_reaches_the_finding_without_a_stack_trace(repo, source, message,
                                                                   fmt):
    if source is None:
        _write_big_rego(repo / "pol")
    else:
        (repo / "pol").mkdir()
        (repo / "pol/bad.rego").write_text(source)
    with (repo / "mlops.yaml").open("a") as spec:
        spec.write("governance:\n  policies: [pol]\n")
    run = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=repo,
                  env={"RUST_BACKTRACE": "1"})
    assert run.returncode == 1, run.stderr
    assert message in run.stdout
    for leak in ("Stack backtrace", "python-build", "<unknown>", ".c:", "_start"):
        assert leak not in run.stdout + run.stderr, leak
    if fmt == "json":
        [finding] = json.loads(run.stdout)["diagnostics"]
        assert finding["code"] == "E401" and finding["message"] == message


@pytest.mark.parametrize("raw, expected", [
    ("a.rego exceeds size\n\nStack backtrace:\n   0: <unknown>\n   1: _start",
     "a.rego exceeds size"),
    ("first\n  second\n\n", "first; second"),
    ("", "the engine gave no message"),
    ("Stack backtrace:\n 0: x", "the engine gave no message"),
])
def test_engine_message_keeps_the_meaningful_lines(raw, expected):
    assert engine_message(raw) == expected
    assert str(PolicyEngineError(raw)) == expected


def test_engine_message_is_bounded():
    assert len(engine_message("y" * 100_000)) == MAX_ENGINE_MESSAGE
    assert len(str(PolicyEngineError("z\n" * 100_000))) == MAX_ENGINE_MESSAGE
