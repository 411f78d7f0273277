"""Reading files on a hostile spec's behalf: the spec root, non-regular files and limits.

Every case uses real files, real FIFOs (os.mkfifo), real symlinks and a real git work tree
(``git init``), and runs the real CLI in a subprocess where exit codes, hangs and
tracebacks are the point. A canary string is planted in every file a spec must not read;
no output format may contain it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsc import api
from mlopsc.formatters import FORMATS, render

CANARY = "CANARY-7f3a9c-do-not-publish"
SPEC_HEAD = "apiVersion: mlopsc/v1\ninclude:\n  - {entry}\n"
FLAGSHIP = Path(__file__).resolve().parents[2] / "mlops.yaml"
MINIMAL = Path(__file__).resolve().parents[2] / "examples/minimal/mlops.yaml"
TIMEOUT = 60


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            limit_memory: int | None = None) -> subprocess.CompletedProcess:
    """The real CLI; a hang fails the test through the timeout."""
    def cap() -> None:
        if limit_memory:
            resource.setrlimit(resource.RLIMIT_AS, (limit_memory, limit_memory))

    run = subprocess.run([sys.executable, "-m", "mlopsc", *args], check=False, cwd=cwd,
                         capture_output=True,
                         text=True, timeout=TIMEOUT, env={**os.environ, **(env or {})},
                         stdin=subprocess.DEVNULL, preexec_fn=cap)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode in (0, 1, 2), (run.returncode, run.stderr[-3000:])
    return run


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.email=t@example.com",
                    "-c", "user.name=t", *args], check=True, capture_output=True)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/repo (a git work tree: the spec root) and tmp/outside holding canaries."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".env").write_text(f"SECRET={CANARY}\n")
    (outside / "models.yaml").write_text(f"models:\n  {CANARY}: {{owner: x}}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    return repo


def _setup(repo: Path, kind: str) -> None:
    outside = repo.parent / "outside"
    if kind == "link-out":
        (repo / "link.yaml").symlink_to(outside / ".env")
    elif kind == "dir-link-out":
        (repo / "shared").symlink_to(outside)
    elif kind == "link-proc":
        (repo / "env.yaml").symlink_to("/proc/self/environ")
    elif kind == "fifo":
        os.mkfifo(repo / "pipe.yaml")
    elif kind == "dir":
        (repo / "folder").mkdir()
    elif kind == "env-inside":
        (repo / ".env").write_text(f"SECRET={CANARY}\nOTHER=1\n")
    elif kind == "broken-inside":
        (repo / "notes.txt").write_text(f"a: [\n{CANARY}: 'x\n")
    elif kind == "tagged-inside":
        (repo / "value.yaml").write_text(f"!!int {CANARY}\n")


INCLUDES = [  # (id, setup, include entry, code)
    ("etc-passwd", None, "/etc/passwd", "E117"),
    ("proc-environ", None, "/proc/self/environ", "E117"),
    ("dev-stdin", None, "/dev/stdin", "E117"),
    ("proc-fd-1", None, "/proc/self/fd/1", "E117"),
    ("dotdot-env", None, "../outside/.env", "E118"),
    ("dotdot-deep", None, "a/../../outside/models.yaml", "E118"),
    ("symlink-out", "link-out", "link.yaml", "E119"),
    ("dir-symlink-out", "dir-link-out", "shared/.env", "E119"),
    ("symlink-proc", "link-proc", "env.yaml", "E119"),
    ("fifo", "fifo", "pipe.yaml", "E120"),
    ("directory", "dir", "folder", "E120"),
    ("dotenv-inside-root", "env-inside", ".env", "E113"),
    ("syntax-error-inside-root", "broken-inside", "notes.txt", "E104"),
    ("tagged-scalar-inside-root", "tagged-inside", "value.yaml", "E113"),
]


@pytest.mark.parametrize(("setup", "entry", "code"), [c[1:] for c in INCLUDES],
                         ids=[c[0] for c in INCLUDES])
def test_include_is_refused_at_its_entry_and_never_quoted(tree, setup, entry, code):
    _setup(tree, setup)
    (tree / "mlops.yaml").write_text(SPEC_HEAD.format(entry=entry))
    env = {"MLOPSC_TEST_CANARY": CANARY}  # so /proc/self/environ would hold it
    # Every format for the cases that read something; text and JSON for the rest (the
    # in-process test below renders every format too).
    formats = FORMATS if code in ("E104", "E113") or "proc" in entry else ("text", "json")
    for fmt in formats:
        run = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=tree, env=env)
        assert run.returncode == 1, run.stdout + run.stderr
        assert CANARY not in run.stdout + run.stderr, fmt
        if fmt == "json":
            found = [(d["code"], d["file"], d["line"], d["column"])
                     for d in json.loads(run.stdout)["diagnostics"]]
            if code in ("E117", "E118", "E119", "E120"):  # not read: at the include entry
                assert found == [(code, "mlops.yaml", 3, 5)]
            else:  # read, and not a spec: located in it, its text not shown
                assert {f for _, f, *_ in found} == {entry}
                assert code in [c for c, *_ in found]
        if fmt == "text" and code in ("E117", "E118", "E119", "E120"):
            assert run.stdout.startswith(f"mlops.yaml:3:5: error[{code}]: include '{entry}'")


def test_no_format_quotes_an_outside_file_in_process(tree):
    """The same promise through the library API, in every format (no CLI in between)."""
    _setup(tree, "env-inside")
    (tree / "mlops.yaml").write_text(SPEC_HEAD.format(entry=".env"))
    result = api.validate(api.Options(spec=str(tree / "mlops.yaml")))
    assert [d.code for d in result.diagnostics] == ["E113"]
    for fmt in FORMATS:
        text = render(fmt, result.diagnostics, index=result.index, tool_version="0")
        assert CANARY not in text and "SECRET" not in text, fmt


@pytest.mark.parametrize("kind", ["fifo", "dev-stdin", "symlink-out", "directory"])
def test_the_root_spec_itself_must_be_a_regular_file_in_the_root(tree, kind):
    spec = {"fifo": "pipe.yaml", "dev-stdin": "/dev/stdin", "symlink-out": "link.yaml",
            "directory": "folder"}[kind]
    _setup(tree, {"fifo": "fifo", "symlink-out": "link-out", "directory": "dir"}.get(kind))
    args = ["validate", spec] + (["--root", "/"] if kind == "dev-stdin" else [])
    run = run_cli(*args, cwd=tree)
    assert run.returncode == 2
    assert run.stderr.startswith(f"mlopsc: error: cannot read {spec}: ")
    assert CANARY not in run.stdout + run.stderr


# --- the spec root: git work tree, folder, --root ------------------------------------------

def _nested(repo: Path) -> Path:
    (repo / "specs").mkdir()
    (repo / "shared").mkdir()
    (repo / "shared/models.yaml").write_text("models:\n  m: {owner: a}\n")
    spec = repo / "specs/mlops.yaml"
    spec.write_text(SPEC_HEAD.format(entry="../shared/models.yaml"))
    return spec


def test_the_git_work_tree_is_the_root(tree):
    spec = _nested(tree)
    run = run_cli("validate", str(spec), "--format", "json")
    assert "E118" not in run.stdout


def test_without_git_the_specs_folder_is_the_root(tree):
    spec = _nested(tree)
    (tree / ".git").rename(tree / "not-git")
    run = run_cli("validate", str(spec), "--format", "json")
    codes = [d["code"] for d in json.loads(run.stdout)["diagnostics"]]
    assert codes == ["E118"]


def test_root_option_narrows_and_widens_the_root(tree):
    spec = _nested(tree)
    narrowed = run_cli("validate", str(spec), "--root", str(tree / "specs"), "--format", "json")
    assert [d["code"] for d in json.loads(narrowed.stdout)["diagnostics"]] == ["E118"]
    spec.write_text(SPEC_HEAD.format(entry="../../outside/models.yaml"))
    refused = run_cli("validate", str(spec), "--format", "json")
    assert [d["code"] for d in json.loads(refused.stdout)["diagnostics"]] == ["E118"]
    widened = run_cli("validate", str(spec), "--root", str(tree.parent), "--format", "json")
    assert "E118" not in widened.stdout  # the CI owner chose to trust the parent
    missing = run_cli("validate", str(spec), "--root", str(tree / "nowhere"))
    assert missing.returncode == 2 and "not a directory" in missing.stderr


def test_root_reaches_every_command_that_reads_a_spec():
    from mlopsc.cli import parse_args

    for argv in (["validate"], ["compile", "-o", "x"], ["lineage"], ["report"],
                 ["plan", "--base", "HEAD"]):
        assert parse_args([*argv, "--root", "/r"]).root == "/r", argv


# --- spec-given policy bundles ---------------------------------------------------------------

@pytest.mark.parametrize(("setup", "entry", "code"), [
    (None, "/etc", "E117"),
    (None, "../outside", "E118"),
    ("dir-link-out", "shared", "E119"),
    ("rego-link-out", "pol", "E119"),
    ("rego-fifo", "pol", "E120"),
])
def test_spec_policy_bundles_obey_the_root(tree, setup, entry, code):
    outside = tree.parent / "outside"
    (outside / "x.rego").write_text(f"package {CANARY}\n")
    if setup == "dir-link-out":
        (tree / "shared").symlink_to(outside)
    elif setup:
        (tree / "pol").mkdir()
        if setup == "rego-link-out":
            (tree / "pol/x.rego").symlink_to(outside / ".env")
        else:
            os.mkfifo(tree / "pol/x.rego")
    text = MINIMAL.read_text() + f"governance:\n  policies: [{entry}]\n"
    (tree / "mlops.yaml").write_text(text)
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tree)
    found = [(d["code"], d["path"]) for d in json.loads(run.stdout)["diagnostics"]
             if d["code"].startswith("E1")]
    assert found == [(code, "governance.policies[0]")]
    assert CANARY not in run.stdout + run.stderr


def test_a_cli_policy_dir_with_a_fifo_is_exit_2_not_a_hang(tree):
    (tree / "pol").mkdir()
    os.mkfifo(tree / "pol/x.rego")
    run = run_cli("validate", str(MINIMAL), "--policy", str(tree / "pol"))
    assert run.returncode == 2 and "FIFO" in run.stderr


# --- limits ----------------------------------------------------------------------------------

def test_a_1mb_string_aliased_2000_times_is_e106_quickly_in_bounded_memory(tmp_path):
    spec = tmp_path / "mlops.yaml"
    spec.write_text("apiVersion: mlopsc/v1\nmetadata: {a: &a \"" + "x" * 1_000_000 + "\"}\n"
                    "x: [" + ", ".join(["*a"] * 2000) + "]\n")
    run = run_cli("validate", str(spec), "--format", "json", limit_memory=1 << 30)
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["code"], d["line"]) for d in found] == [("E106", 3)]
    assert "16777216 bytes" in found[0]["message"]


def test_a_39kb_one_line_spec_prints_a_bounded_report(tmp_path):
    line = "models: {" + ", ".join(f"m{i}: {{owner: 1, x{i}: 2}}" for i in range(1500)) + "}"
    assert len(line) > 39_000
    spec = tmp_path / "mlops.yaml"
    spec.write_text("apiVersion: mlopsc/v1\n" + line + "\n")
    for fmt in FORMATS:
        run = run_cli("validate", str(spec), "--format", fmt)
        assert run.returncode == 1
        assert len(run.stdout.encode()) < 64 * 1024, (fmt, len(run.stdout))
    text = run_cli("validate", str(spec)).stdout
    assert "more findings not shown (at most 20 per code and 200 in all are printed)" in text
    assert max(len(x) for x in text.splitlines()) < 700
    summary = json.loads(run_cli("validate", str(spec), "--format", "json").stdout)["summary"]
    assert summary["errors"] > 2800  # every finding is counted, few are printed
    assert 0 < summary["errors"] - summary["omitted"] <= 200


@pytest.mark.parametrize(("value", "shown"), [
    ("1" * 400, "111111111111...111111 (400 characters)"),
    ("1e400", "1e400"),
    ("-1e400", "-1e400"),
    ("9" * 5000, "999999999999...999999 (5000 characters)"),
    ("0x" + "f" * 20000, "0xffffffffff...ffffff (20002 characters)"),
])
def test_huge_numbers_are_e121_not_a_traceback(tmp_path, value, shown):
    spec = tmp_path / "mlops.yaml"
    spec.write_text(MINIMAL.read_text() + f"x_number: {value}\n")
    run = run_cli("validate", str(spec), "--format", "json")
    found = [d for d in json.loads(run.stdout)["diagnostics"] if d["code"] == "E121"]
    assert run.returncode == 1 and len(found) == 1
    assert found[0]["message"] == f"the number {shown} is out of range (64 bits at most)"


@pytest.mark.parametrize("value", ["9" * 30, "1073741825", "0", "-5", "12abc", "1e9"])
def test_max_bytes_out_of_range_is_exit_2(value):
    run = run_cli("validate", str(MINIMAL), "--max-bytes", value)
    assert run.returncode == 2 and "--max-bytes" in run.stderr


def test_max_bytes_counts_all_spec_files_together(tmp_path):
    (tmp_path / "a.yaml").write_text("models:\n  m: {owner: " + "a" * 150 + "}\n")
    (tmp_path / "mlops.yaml").write_text(SPEC_HEAD.format(entry="a.yaml"))
    run = run_cli("validate", str(tmp_path / "mlops.yaml"), "--max-bytes", "200",
                  "--format", "json")
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("E101", 3, 5)]
    assert "for all of them together" in found[0]["message"]


DATA = [  # (id, content, exit code, words in the message)
    ("dates", "custom: {org_since: 2024-01-01}\n", 0, None),
    ("nan", "threshold: .nan\n", 2, "threshold is nan"),
    ("inf-json", '{"threshold": 1e400}', 2, "E121"),
    ("deep", "a: " + "[" * 5000 + "]" * 5000 + "\n", 2, "E108"),
    ("alias-bomb", "a: &a [\"" + "x" * 1_000_000 + "\"]\nb: [" + ", ".join(["*a"] * 2000)
     + "]\n", 2, "E106"),
    ("not-a-mapping", "[1, 2]\n", 2, "must hold an object"),
    ("huge-int", "n: " + "9" * 5000 + "\n", 2, "E121"),
    ("not-utf8", b"a: \xff\n", 2, "cannot read policy data"),
]


@pytest.mark.parametrize(("content", "status", "words"), [d[1:] for d in DATA],
                         ids=[d[0] for d in DATA])
def test_data_files_get_the_spec_loaders_limits(tmp_path, content, status, words):
    data = tmp_path / "org.yaml"
    data.write_bytes(content if isinstance(content, bytes) else content.encode())
    run = run_cli("validate", str(MINIMAL), "--data", str(data))
    assert run.returncode == status, run.stderr
    if words:
        assert run.stderr.startswith(f"mlopsc: error: cannot read policy data {data}")
        assert words in run.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev-stdin", "directory"])
def test_data_that_is_not_a_regular_file_is_exit_2_not_a_hang(tmp_path, kind):
    path = {"fifo": tmp_path / "p", "dev-stdin": Path("/dev/stdin"), "directory": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    run = run_cli("validate", str(MINIMAL), "--data", str(path))
    assert run.returncode == 2 and "cannot read policy data" in run.stderr


REPORTS = [  # (id, content, words)
    ("not-json-object", '{"report_version": 1, "models": 5}', "not a valid governance report"),
    ("wrong-shape", '{"report_version": 1, "models": [{"id": 3}]}',
     "not a valid governance report"),
    ("deep", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("nan", '{"report_version": 1, "models": [NaN]}', "NaN is not a JSON number"),
    ("huge-int", '{"report_version": 1, "x": ' + "9" * 5000 + "}", "not a usable JSON"),
    ("no-version", '{"models": []}', "no report_version"),
    ("not-utf8", b'{"a": "\xff"}', "not UTF-8"),
    ("int-400-digits", "RETENTION:" + "9" * 400, "is out of range (64 bits at most)"),
    ("float-1e400", "RETENTION:1e400", "the number 1e400 is too large for a 64-bit float"),
    ("float-minus-1e400", "RETENTION:-1e400", "the number -1e400 is too large"),
]


@pytest.mark.parametrize(("content", "words"), [r[1:] for r in REPORTS],
                         ids=[r[0] for r in REPORTS])
def test_report_diff_of_a_malformed_report_is_exit_2(tmp_path, content, words):
    good = tmp_path / "good.json"
    good.write_bytes(run_cli("report", str(FLAGSHIP), "--format", "json").stdout.encode())
    if isinstance(content, str) and content.startswith("RETENTION:"):  # a valid report else
        content = good.read_text().replace('"retention_s": 63072000',
                                           f'"retention_s": {content[10:]}', 1)
        assert content != good.read_text()
    bad = tmp_path / "bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    run = run_cli("report", "diff", str(good), str(bad))
    assert run.returncode == 2 and words in run.stderr, run.stderr
    assert len(run.stderr) < 1000


def test_report_diff_of_a_fifo_is_exit_2(tmp_path):
    os.mkfifo(tmp_path / "r.json")
    run = run_cli("report", "diff", str(tmp_path / "r.json"), str(tmp_path / "r.json"))
    assert run.returncode == 2 and "FIFO" in run.stderr


def test_plan_base_over_a_repository_with_absolute_and_outward_symlinks(tree):
    (tree / "mlops.yaml").write_text(MINIMAL.read_text())
    (tree / "abs.yaml").symlink_to("/etc/passwd")
    (tree / "out.yaml").symlink_to("../outside/.env")
    (tree / "zero").symlink_to("/dev/zero")
    (tree / "deep").mkdir()
    (tree / "deep/up").symlink_to("../../..")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-qm", "base")
    with (tree / "mlops.yaml").open("a") as spec:
        spec.write("# a change\n")
    run = run_cli("plan", "mlops.yaml", "--base", "HEAD", cwd=tree)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("## mlopsc plan")
    assert CANARY not in run.stdout + run.stderr


def test_plan_base_whose_spec_includes_through_an_outward_symlink(tree):
    (tree / "mlops.yaml").write_text(MINIMAL.read_text() + "include: [out.yaml]\n")
    (tree / "out.yaml").symlink_to("../outside/models.yaml")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-qm", "base")
    (tree / "mlops.yaml").write_text(MINIMAL.read_text())
    run = run_cli("plan", "mlops.yaml", "--base", "HEAD", cwd=tree)
    assert run.returncode == 0, run.stderr
    assert CANARY not in run.stdout + run.stderr


def test_compile_check_never_follows_a_symlink_in_the_output(tmp_path):
    out = tmp_path / "out"
    assert run_cli("compile", str(MINIMAL), "-o", str(out)).returncode == 0
    report = out / "governance/report.md"
    report.unlink()
    report.symlink_to("/dev/zero")  # reading it would never end
    with (out / "sparse.bin").open("wb") as sparse:
        sparse.truncate(20 * 1024**3)  # 20 GiB, no blocks
    (out / "secret").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text(CANARY)
    run = run_cli("compile", str(MINIMAL), "-o", str(out), "--check", limit_memory=1 << 30)
    assert run.returncode == 1
    assert f"{out}/governance/report.md: stale" in run.stderr
    assert f"{out}/sparse.bin: unexpected" in run.stderr
    assert f"{out}/secret: unexpected" in run.stderr
    assert CANARY not in run.stdout + run.stderr


def test_compile_check_with_a_huge_regular_file_in_place_of_an_output(tmp_path):
    out = tmp_path / "out"
    assert run_cli("compile", str(MINIMAL), "-o", str(out)).returncode == 0
    target = out / "governance/report.json"
    target.unlink()
    with target.open("wb") as huge:
        huge.truncate(8 * 1024**3)
    run = run_cli("compile", str(MINIMAL), "-o", str(out), "--check", limit_memory=1 << 30)
    assert run.returncode == 1 and f"{out}/governance/report.json: stale" in run.stderr


def test_read_tree_skips_links_and_special_files(tmp_path):
    from mlopsc.output.write import read_tree

    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "link").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "fifo")
    assert read_tree(tmp_path) == {"a.txt": b"a"}


# --- findings output bounds (in process) -----------------------------------------------------

def _bag(count: int, code: str = "E202", message: str = "QQQ is not a field"):
    from mlopsc.diagnostics import Diagnostic, Severity
    from mlopsc.source import Span

    return [Diagnostic(code, Severity.ERROR, message, path="models.m",
                       span=Span("mlops.yaml", 1, 30_001, 1, 30_004)) for _ in range(count)]


def test_an_excerpt_shows_200_characters_around_the_column():
    from mlopsc.source import SourceIndex

    index = SourceIndex()
    index.add_source("mlops.yaml", "a" * 30_000 + "XYZ" + "b" * 30_000)
    text = render("text", _bag(1), index=index, tool_version="0")
    source, carets = text.splitlines()[1:3]
    assert len(source) < 220 and source.endswith("…") and "  1 | …" in source
    assert source[carets.index("^"):carets.index("^") + 3] == "XYZ"
    assert carets.count("^") == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_at_most_20_findings_per_code_are_printed(fmt):
    from mlopsc.diagnostics import Diagnostic, Severity

    bag = _bag(25) + [Diagnostic("E301", Severity.ERROR, "m" * 100_000)]
    text = render(fmt, bag, tool_version="0")
    assert text.count("QQQ") == (40 if fmt == "junit" else 20)  # JUnit: attribute and body
    assert "m" * 251 not in text and "(100000 characters)" in text
    assert "5 more findings not shown" in text.replace("%", " ") or "omitted" in text


def test_the_api_takes_the_root_too(tree):
    spec = tree / "mlops.yaml"
    spec.write_text(SPEC_HEAD.format(entry="../outside/models.yaml"))
    refused = api.validate(api.Options(spec=str(spec)))
    assert [d.code for d in refused.diagnostics] == ["E118"]
    widened = api.validate(api.Options(spec=str(spec), root=str(tree.parent)))
    assert "E118" not in [d.code for d in widened.diagnostics]
    assert widened.compilation.loaded.document["models"] == {CANARY: {"owner": "x"}}


# --- git: ignored files, the .git folder ----------------------------------------------------

SECRET_SPEC = f"models:\n  leak: {{owner: a, stage: \"{CANARY}\"}}\n"


def _committed(repo: Path, gitignore: str) -> None:
    (repo / ".gitignore").write_text(gitignore)
    _git(repo, "add", ".gitignore")
    _git(repo, "commit", "-qm", "base")


GIT_FILES = [  # (id, .gitignore, file written, `git add -f` it, include entry, code)
    ("ignored-file", "secrets.yaml\n", "secrets.yaml", False, "secrets.yaml", "E122"),
    ("ignored-dotenv", ".env\n", ".env", False, ".env", "E122"),
    ("ignored-folder", "build/\n", "build/gen.yaml", False, "build/gen.yaml", "E122"),
    ("ignored-by-glob", "*.secret.yaml\n", "db.secret.yaml", False, "db.secret.yaml", "E122"),
    ("tracked-link-to-ignored", "secrets.yaml\n", "secrets.yaml", False, "link.yaml", "E122"),
    ("dot-git-config", "", None, False, ".git/config", "E123"),
    ("dot-git-upper-case", "", None, False, ".GIT/config", "E123"),
    ("link-into-dot-git", "", None, False, "cfg.yaml", "E123"),
    ("untracked-not-ignored", "other.yaml\n", "new.yaml", False, "new.yaml", None),
    ("ignored-but-tracked", "secrets.yaml\n", "secrets.yaml", True, "secrets.yaml", None),
    ("negated-rule", "*.yaml\n!keep.yaml\n", "keep.yaml", False, "keep.yaml", None),
]


@pytest.mark.parametrize(("gitignore", "written", "force", "entry", "code"),
                         [g[1:] for g in GIT_FILES], ids=[g[0] for g in GIT_FILES])
def test_files_git_ignores_and_the_git_folder_are_never_included(tree, gitignore, written,
                                                                  force, entry, code):
    _committed(tree, gitignore)
    if written:
        (tree / written).parent.mkdir(exist_ok=True)
        (tree / written).write_text(SECRET_SPEC)
    if force:
        _git(tree, "add", "-f", written)
    if entry == "link.yaml":
        (tree / "link.yaml").symlink_to("secrets.yaml")
    if entry == "cfg.yaml":
        (tree / "cfg.yaml").symlink_to(".git/config")
    (tree / "mlops.yaml").write_text(MINIMAL.read_text() + f"include: [{entry}]\n")
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tree)
    found = [(d["code"], d["line"], d["column"])
             for d in json.loads(run.stdout)["diagnostics"] if d["code"].startswith("E1")]
    line = len(MINIMAL.read_text().splitlines()) + 1
    assert found == ([(code, line, 11)] if code else []), run.stdout
    if code:
        for fmt in FORMATS:
            shown = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=tree)
            assert CANARY not in shown.stdout + shown.stderr, fmt
            assert "[core]" not in shown.stdout, fmt
    else:  # read: its values reach findings as any spec file's do
        assert CANARY in run.stdout


def test_an_ignored_include_names_the_rule_that_ignores_it(tree):
    _committed(tree, "# secrets\nsecrets.yaml\n")
    (tree / "secrets.yaml").write_text(SECRET_SPEC)
    (tree / "mlops.yaml").write_text(SPEC_HEAD.format(entry="secrets.yaml"))
    run = run_cli("validate", "mlops.yaml", cwd=tree)
    assert run.stdout.startswith("mlops.yaml:3:5: error[E122]: include 'secrets.yaml' is "
                                 "ignored by git (.gitignore:2: secrets.yaml) and not tracked")


def test_without_git_an_include_in_a_work_tree_is_refused_e126(tree, tmp_path):
    (tree / "models.yaml").write_text("models:\n  m: {owner: a}\n")
    (tree / "mlops.yaml").write_text(SPEC_HEAD.format(entry="models.yaml"))
    empty = tmp_path / "bin"
    empty.mkdir()
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tree,
                  env={"PATH": str(empty)})
    found = [(d["code"], d["line"]) for d in json.loads(run.stdout)["diagnostics"]]
    assert found == [("E126", 3)]
    assert "git cannot run" in json.loads(run.stdout)["diagnostics"][0]["message"]
    (tree / ".git").rename(tree / "not-git")  # no work tree: git is not asked
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tree,
                  env={"PATH": str(empty)})
    assert "E126" not in run.stdout


def test_git_failing_on_the_repository_is_e126(tree):
    (tree / ".git/HEAD").write_text("garbage\n")  # git: not a git repository
    (tree / "models.yaml").write_text("models:\n  m: {owner: a}\n")
    (tree / "mlops.yaml").write_text(SPEC_HEAD.format(entry="models.yaml"))
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tree)
    found = json.loads(run.stdout)["diagnostics"]
    assert [d["code"] for d in found] == ["E126"] and "git failed" in found[0]["message"]


@pytest.mark.parametrize(("setup", "code"), [("ignored", "E122"), ("dot-git", "E123")])
def test_spec_policy_files_git_ignores_or_in_dot_git_are_refused(tree, setup, code):
    if setup == "ignored":
        _committed(tree, "pol/\n")
        (tree / "pol").mkdir()
        (tree / "pol/x.rego").write_text(f"package {CANARY}\n")
        entry = "pol"
    else:
        entry = ".git/hooks"
    (tree / "mlops.yaml").write_text(MINIMAL.read_text() + f"governance:\n  policies: [{entry}]\n")
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tree)
    found = [(d["code"], d["path"]) for d in json.loads(run.stdout)["diagnostics"]
             if d["code"].startswith("E1")]
    assert found == [(code, "governance.policies[0]")]
    assert CANARY not in run.stdout + run.stderr


# --- the root spec: a symlink the pull request made ------------------------------------------

def test_a_root_spec_linked_to_a_dotenv_never_shows_its_text(tree):
    (tree / ".env").write_text(f"API_KEY={CANARY}\nDB_URL=postgres://u:pw@h/db\n")
    (tree / "mlops.yaml").symlink_to(".env")
    for fmt in FORMATS:
        run = run_cli("validate", "mlops.yaml", "--format", fmt, cwd=tree)
        assert run.returncode == 1 and "E113" in run.stdout, fmt
        assert CANARY not in run.stdout + run.stderr and "API_KEY" not in run.stdout, fmt


def test_a_root_spec_linked_to_a_file_with_a_syntax_error_shows_no_text(tree):
    (tree / "creds.txt").write_text(f"user: x\n  token: [{CANARY}\n")
    (tree / "mlops.yaml").symlink_to("creds.txt")
    run = run_cli("validate", "mlops.yaml", cwd=tree)
    assert run.returncode == 1 and "E104" in run.stdout
    assert CANARY not in run.stdout + run.stderr


def test_a_regular_root_spec_keeps_its_excerpt_but_not_for_a_non_mapping(tmp_path):
    spec = tmp_path / "mlops.yaml"
    spec.write_text("apiVersion: mlopsc/v1\nmodels: x: y\n")
    run = run_cli("validate", str(spec))
    assert "E104" in run.stdout and "| models: x: y" in run.stdout  # the author's own typo
    spec.write_text(f"{CANARY} only text\n")
    run = run_cli("validate", str(spec))
    assert "E113" in run.stdout and CANARY not in run.stdout


@pytest.mark.parametrize(("target", "words"), [
    ("secrets.yaml", "it (its symlink's target) is ignored by git"),
    (".git/config", "it is a file in a .git folder"),
])
def test_a_root_spec_linked_to_an_ignored_file_or_git_metadata_is_exit_2(tree, target, words):
    _committed(tree, "secrets.yaml\n")
    (tree / "secrets.yaml").write_text(SECRET_SPEC)
    (tree / "mlops.yaml").symlink_to(target)
    run = run_cli("validate", "mlops.yaml", cwd=tree)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(f"mlopsc: error: cannot read mlops.yaml: {words}")
    assert run.stderr.count("\n") == 1 and CANARY not in run.stderr


# --- control characters in paths ------------------------------------------------------------

@pytest.mark.parametrize(("escaped", "char"), [
    ("a\\0b", "U+0000"), ("a\\nb.yaml", "U+000A"), ("a\\x7f", "U+007F"), ("\\x1b[31m", "U+001B"),
])
@pytest.mark.parametrize("where", ["include", "policies"])
def test_control_characters_in_a_path_are_e124(tmp_path, escaped, char, where):
    entry = f'"{escaped}"'
    text = (SPEC_HEAD.format(entry=entry) if where == "include"
            else MINIMAL.read_text() + f"governance:\n  policies: [{entry}]\n")
    (tmp_path / "mlops.yaml").write_text(text)
    run = run_cli("validate", str(tmp_path / "mlops.yaml"), "--format", "json")
    found = [d for d in json.loads(run.stdout)["diagnostics"] if d["code"].startswith("E1")]
    assert [d["code"] for d in found] == ["E124"]
    assert found[0]["message"].endswith(f"holds the control character {char}")


# --- budgets per spec, not per file ---------------------------------------------------------

def _alias_file(name: str, anchor: str, copies: int) -> str:
    return (f"datasets:\n  {name}:\n    owner: a\n    description: &s {anchor}\n"
            f"    x_more: [{', '.join(['*s'] * copies)}]\n")


@pytest.mark.parametrize(("anchor", "copies", "words"), [
    ('"' + "x" * 1_000_000 + '"', 6, "16777216 bytes of scalars in all spec files together"),
    ("[" + ", ".join(["1"] * 1000) + "]", 40, "100000 nodes in all spec files together"),
], ids=["bytes", "nodes"])
def test_alias_budgets_hold_for_all_spec_files_together(tmp_path, anchor, copies, words):
    names = [f"i{i}.yaml" for i in range(3)]  # each file alone is under both limits
    for i, name in enumerate(names):
        (tmp_path / name).write_text(_alias_file(f"d{i}", anchor, copies))
    (tmp_path / "mlops.yaml").write_text(MINIMAL.read_text() + f"include: [{', '.join(names)}]\n")
    run = run_cli("validate", "mlops.yaml", "--format", "json", cwd=tmp_path,
                  limit_memory=1 << 30)
    found = [(d["code"], d["file"], d["message"]) for d in json.loads(run.stdout)["diagnostics"]]
    assert found[0][:2] == ("E106", "i2.yaml") and words in found[0][2], found
    one = run_cli("validate", str(tmp_path / "i0.yaml"), "--format", "json")
    assert "E106" not in one.stdout


def test_more_than_1000_include_entries_is_e125_at_the_first_one_over(tmp_path):
    (tmp_path / "a.yaml").write_text("models:\n  m: {owner: a}\n")
    (tmp_path / "mlops.yaml").write_text("apiVersion: mlopsc/v1\ninclude:\n"
                                         + "  - a.yaml\n" * 1001)
    run = run_cli("validate", str(tmp_path / "mlops.yaml"), "--format", "json")
    found = [(d["code"], d["line"]) for d in json.loads(run.stdout)["diagnostics"]]
    assert found == [("E125", 1003)]


def test_an_include_path_over_1024_characters_is_e125(tmp_path):
    (tmp_path / "mlops.yaml").write_text(SPEC_HEAD.format(entry="./" * 512 + "a.yaml"))
    run = run_cli("validate", str(tmp_path / "mlops.yaml"), "--format", "json")
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["code"], d["line"]) for d in found] == [("E125", 3)]
    assert "1030 characters long, over the limit of 1024" in found[0]["message"]
    assert len(found[0]["message"]) < 200  # the path is cut, not quoted whole


def test_paths_through_long_symlinks_resolve_each_step_once(tmp_path, monkeypatch):
    """1,000 includes through a link whose target has 2,000 components: resolved once, not
    once per include (that was 2 million system calls and about 8 seconds)."""
    from mlopsc.diagnostics import Diagnostics
    from mlopsc.passes.load import load_spec

    (tmp_path / "l").symlink_to(".")
    (tmp_path / "a").symlink_to("l/" * 2000 + ".")
    (tmp_path / "mlops.yaml").write_text("apiVersion: mlopsc/v1\ninclude:\n" + "".join(
        f"  - {'a/' * (1 + i % 500)}x{i}.yaml\n" for i in range(1000)))
    calls = {"n": 0}
    for name in ("lstat", "readlink"):
        real = getattr(os, name)

        def counted(*args, _real=real, **kwargs):
            calls["n"] += 1
            return _real(*args, **kwargs)
        monkeypatch.setattr(os, name, counted)
    found = Diagnostics()
    load_spec(tmp_path / "mlops.yaml", found, root=tmp_path)
    assert [d.code for d in found] == ["E110"] * 1000  # none of them exists
    assert calls["n"] < 20_000, calls


def test_a_symlink_loop_in_an_include_is_e120(tmp_path):
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    (tmp_path / "mlops.yaml").write_text(SPEC_HEAD.format(entry="loop1/x.yaml"))
    run = run_cli("validate", str(tmp_path / "mlops.yaml"), "--format", "json")
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["code"], d["message"]) for d in found] == [
        ("E120", ("include 'loop1/x.yaml' is not a regular file (it goes through a loop of "
                  "symbolic links); a spec reads only regular files under its root"))]


def test_git_gone_before_the_question_is_e126_not_a_broken_pipe(tree):
    """Git may quit on a broken repository before mlopsc writes the first path: the flush,
    and the close that flushes again, meet a closed pipe. That reads as 'git failed', not
    as the CLI's exit 141 for a reader that went away (the flaky CI failure of stop 20)."""
    from mlopsc.reading.git_ignore import _Git

    (tree / ".git/HEAD").write_text("garbage\n")
    git = _Git(str(tree))
    git.process.wait()  # git has exited: its stdin has no reader
    assert git.ask("models.yaml") is None  # the flush meets a closed pipe; the bytes stay buffered
    assert git.error.startswith("git failed")
    git.close()
