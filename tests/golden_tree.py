"""Golden trees: whole output trees compared byte for byte; `pytest --update-goldens` rewrites."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

GOLDEN_ROOT = Path(__file__).parent / "golden"


def assert_tree(actual: dict[str, bytes], golden: Path, request: pytest.FixtureRequest) -> None:
    """Compare ``actual`` (relative path -> bytes) with the files under ``golden``."""
    if request.config.getoption("--update-goldens"):
        if golden.exists():
            shutil.rmtree(golden)
        for path, content in actual.items():
            (golden / path).parent.mkdir(parents=True, exist_ok=True)
            (golden / path).write_bytes(content)
        return
    if not golden.is_dir():
        pytest.fail(f"no golden tree at {golden}; run pytest --update-goldens and review it")
    expected = {p.relative_to(golden).as_posix(): p.read_bytes()
                for p in sorted(golden.rglob("*")) if p.is_file()}
    problems = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            problems.append(f"missing output {path}")
        elif path not in expected:
            problems.append(f"unexpected output {path}")
        elif actual[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].decode(errors="replace").splitlines(),
                actual[path].decode(errors="replace").splitlines(),
                f"golden/{path}", f"actual/{path}", lineterm="", n=2)
            problems.append("\n".join(list(diff)[:60]))
    if problems:
        pytest.fail("output differs from the golden tree "
                    f"{golden} (pytest --update-goldens to accept):\n" + "\n".join(problems))
