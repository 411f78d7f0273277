"""Golden trees: whole output trees compared byte for byte; `--update-goldens` rewrites them.

One harness uses this (tests/golden/test_goldens.py); regenerate with
``python3 -m pytest tests/golden --update-goldens`` and review the diff like code.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

GOLDEN_ROOT = Path(__file__).parent / "golden"
DIFF_LINES = 60
"""Lines of unified diff shown per differing file: enough to see what changed."""


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` as relative POSIX path -> bytes (empty when ``root`` is absent)."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def write_tree(files: dict[str, bytes], golden: Path) -> None:
    """Make ``golden`` hold exactly ``files``: stale files and folders are deleted."""
    if golden.exists():
        shutil.rmtree(golden)
    for path, content in files.items():
        (golden / path).parent.mkdir(parents=True, exist_ok=True)
        (golden / path).write_bytes(content)


def tree_problems(actual: dict[str, bytes], expected: dict[str, bytes]) -> list[str]:
    """What differs, file by file: missing, unexpected, or a unified diff of the change."""
    problems = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            problems.append(f"missing output {path} (in the golden tree, not written)")
        elif path not in expected:
            problems.append(f"unexpected output {path} (written, not in the golden tree)")
        elif actual[path] != expected[path]:
            diff = list(difflib.unified_diff(
                expected[path].decode(errors="replace").splitlines(),
                actual[path].decode(errors="replace").splitlines(),
                f"golden/{path}", f"actual/{path}", lineterm="", n=2))
            if not diff:  # same lines: the bytes differ in line endings or a final newline
                diff = [f"{path}: same lines, different bytes (line endings or final newline)"]
            elif len(diff) > DIFF_LINES:
                diff = [*diff[:DIFF_LINES], f"... {len(diff) - DIFF_LINES} more diff lines"]
            problems.append("\n".join(diff))
    return problems


def assert_tree(actual: dict[str, bytes], golden: Path, request: pytest.FixtureRequest) -> None:
    """Compare ``actual`` (relative path -> bytes) with the files under ``golden``.

    With ``--update-goldens`` the tree is rewritten to exactly ``actual`` instead.
    """
    if request.config.getoption("--update-goldens"):
        write_tree(actual, golden)
        return
    if not golden.is_dir():
        pytest.fail(f"no golden tree at {golden}; run "
                    "`python3 -m pytest tests/golden --update-goldens` and review it")
    problems = tree_problems(actual, read_tree(golden))
    if problems:
        pytest.fail(f"output differs from the golden tree {golden} "
                    f"({len(problems)} files; `python3 -m pytest tests/golden "
                    "--update-goldens` to accept, then review the diff):\n"
                    + "\n".join(problems), pytrace=False)
