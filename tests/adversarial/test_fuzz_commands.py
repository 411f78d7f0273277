"""A bounded fuzzer over every command that reads a spec: validate, compile, report,
lineage and plan, run in process through the CLI's ``main``.

Each example is a mutated or mangled spec (flagship and examples as seeds, with hostile
strings spliced in) in a fresh git work tree that already holds a committed spec and a
complete compiled output directory. For every command it asserts what the trust model
promises (docs/security.md):

- no exception escapes ``main`` (a traceback), and the exit code is 0, 1 or 2;
- what a command prints stays under a bound;
- nothing is written outside ``-o`` (the rest of the work tree is byte-identical);
- the output directory is never half-written: after a compile it is either exactly the
  tree before (a blocked or failed compile) or exactly the files its new manifest lists.

The example count is fixed and the examples are derandomized, so a CI run is bounded and
repeatable (MLOPSC_FUZZ_EXAMPLES sets the count per test; a longer run by hand with
``--hypothesis-seed`` explores further).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import DOCS, SEEDS, TEXTS, _paths  # the seeds and the path walk are shared

from mlopsc.cli import main

SECRETS = (b"SECRET-CANARY", b"root:x:0:0")
"""Content of files outside the spec (a planted file, /etc/passwd) that no output quotes."""
OUTPUT_BOUND = 8 * 1024 * 1024
"""The most any one command may print for one of these specs (the flagship's report is
about 60 KB; a finding prints at most one bounded line excerpt)."""
COMMAND_SECONDS = 60
# Targets that compile in well under a second; kubeflow (the kfp SDK) takes several, and is
# fuzzed by the command-level suites with fewer examples.
FAST_TARGETS = ("prometheus", "kubernetes", "airflow", "model-card")

HOSTILE = [
    '{{ with query "vector(42)" }}{{ . | first | value }}{{ end }}',
    "{{ var.value.secret }}", "{% for x in range(10**9) %}x{% endfor %}",
    "{{$.inputs.parameters['x']}}", "{{args.service-name}}", "{{workflow.name}}",
    "$(HOME)", "${PATH}", "`id`", "'; DROP TABLE x; --", '"}]) or vector(1) #',
    "a\x00b", "a\x1bb\x7f", "line\nbreak", "\u202eevil", "<script>alert(1)</script>",
    "](javascript:alert(1))", "-->", "]]>", "%{x}", "../../etc/passwd", "/etc/passwd",
    "/proc/self/environ", "/dev/stdin", "\u0665\u0660\u0660m", "1e400", "1e99999999999", "9" * 400,
    "(5{1000}){1000}", "(?=x)", "a*+", "0s", "-1s", "99999999999999999999h", ".nan",
    "2147483648", "x" * 5000,
]
HOSTILE_VALUES = [*HOSTILE, float("nan"), float("inf"), -float("inf"), 10**400 // 10**390,
                  2**31, -(2**63), 10**30, 1e308, True, None, [], {}]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(HOSTILE_VALUES))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


@st.composite
def mutated_docs(draw) -> str:
    """A seed with 1-4 values swapped for hostile or random ones, keys added or deleted."""
    doc = copy.deepcopy(draw(st.sampled_from(DOCS)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from([p for p in _paths(doc) if p]))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["swap", "hostile", "hostile", "delete", "add_key",
                                       "include"]))
        if action == "swap":
            parent[path[-1]] = draw(values)
        elif action == "hostile" and isinstance(parent[path[-1]], (str, int, float)):
            parent[path[-1]] = draw(st.sampled_from(HOSTILE_VALUES))
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from([*HOSTILE[:12], "include", "x"]))] = draw(values)
        elif action == "include":
            doc["include"] = [draw(st.sampled_from(
                ["/etc/passwd", "../outside.yaml", "/proc/self/environ", "/dev/stdin",
                 "link.yaml", "fifo.yaml", "dir", "mlops.yaml", "missing.yaml"]))]
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10**6)


@st.composite
def mangled_texts(draw) -> str:
    """A seed's text cut, spliced with hostile text, or with a span deleted."""
    text = draw(st.sampled_from(TEXTS))
    cut = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(["truncate", "insert", "hostile", "delete-span"]))
    if kind == "truncate":
        return text[:cut]
    if kind == "insert":
        return text[:cut] + draw(st.text(max_size=20)) + text[cut:]
    if kind == "hostile":
        return text[:cut] + draw(st.sampled_from(HOSTILE)) + text[cut:]
    end = draw(st.integers(cut, min(len(text), cut + 200)))
    return text[:cut] + text[end:]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung("a command ran for more than a minute (a read that blocks forever?)")


def _run(argv: list[str]) -> tuple[int, bytes]:
    """Run ``mlopsc argv`` in process: its exit code and what it printed.

    SIGALRM interrupts a command that blocks (e.g. opening a FIFO), failing the example.
    """
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="backslashreplace")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace")
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(COMMAND_SECONDS)
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse usage errors
            status = stop.code if isinstance(stop.code, int) else 2
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    stdout.flush()
    stderr.flush()
    return status, out.getvalue() + err.getvalue()


def _snapshot(root: Path, skip: str) -> dict[str, str]:
    """Every entry under ``root`` except ``skip`` and .git: path -> content hash or kind."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == skip or rel.startswith(skip + "/") or ".git" in rel.split("/"):
            continue
        if path.is_symlink():
            found[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir" if path.is_dir() else "special"
    return found


def _tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _assert_whole(out: Path, before: dict[str, str]) -> None:
    """``out`` is the tree it was, or exactly what its manifest lists."""
    now = _tree(out)
    if now == before:
        return
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {**manifest["files"], "manifest.json": now.get("manifest.json")}
    assert now == listed, "output directory is neither the old tree nor the new one"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A git work tree with the flagship committed, an outside file, hostile file kinds and
    a compiled output directory."""
    base = tmp_path_factory.mktemp("fuzz")
    (base / "outside.yaml").write_text("SECRET-CANARY: 1\n")
    work = base / "repo"
    work.mkdir()
    shutil.copy(SEEDS[0], work / "mlops.yaml")
    (work / "dir").mkdir()
    (work / "link.yaml").symlink_to("/etc/passwd")
    _git(work, "init", "-q")
    _git(work, "add", "mlops.yaml")
    _git(work, "commit", "-q", "-m", "base")
    status, printed = _run(["compile", str(work / "mlops.yaml"), "-o", str(work / "out"),
                      *[a for t in FAST_TARGETS for a in ("--target", t)]])
    assert status == 0, printed.decode()
    return base


FUZZ = settings(max_examples=int(os.environ.get("MLOPSC_FUZZ_EXAMPLES", "40")), deadline=None,
                derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def _exercise(text: str, template: Path) -> None:
    scratch = Path(tempfile.mkdtemp(dir=template))
    try:
        work = scratch / "repo"
        shutil.copytree(template / "repo", work, symlinks=True)
        os.mkfifo(work / "fifo.yaml")  # copytree would block on it: made per example
        (work / "mlops.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        spec, out = str(work / "mlops.yaml"), work / "out"
        before, old_tree = _snapshot(scratch, "repo/out"), _tree(out)
        commands = [
            # validate runs the targets' checks: the fast ones, as compile below
            ["validate", spec, "--format", "json", *[a for t in FAST_TARGETS
                                                     for a in ("--target", t)]],
            ["validate", spec, "--format", "sarif"],
            ["compile", spec, "-o", str(out), *[a for t in FAST_TARGETS
                                                for a in ("--target", t)]],
            ["compile", spec, "-o", str(out), "--check",
             *[a for t in FAST_TARGETS for a in ("--target", t)]],
            ["report", spec],
            ["lineage", spec, "--graph-format", "dot"],
            ["plan", spec, "--base", "HEAD"],
        ]
        for argv in commands:
            status, printed = _run(argv)
            assert status in (0, 1, 2), (argv[0], status)
            assert len(printed) <= OUTPUT_BOUND, (argv[0], len(printed))
            for secret in SECRETS:
                assert secret not in printed, (argv[0], "quotes a file outside the spec")
            _assert_whole(out, old_tree)
            old_tree = _tree(out)
        assert _snapshot(scratch, "repo/out") == before, "a file outside -o changed"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@FUZZ
@given(text=mutated_docs())
def test_mutated_specs_through_every_command(text, template):
    _exercise(text, template)


@FUZZ
@given(text=mangled_texts())
def test_mangled_specs_through_every_command(text, template):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    _exercise(text, template)


if __name__ == "__main__":  # pragma: no cover - a longer run by hand
    sys.exit(pytest.main([__file__, "-q", "--hypothesis-seed=0"]))
