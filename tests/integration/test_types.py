"""mypy --strict over the installed package (scripts/typecheck.sh) finds no error.

The IR, the emit options and the compilation are typed records, so a target or pass that
reads a field the wrong way fails here rather than in a user's compile.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_typecheck_is_clean() -> None:
    done = subprocess.run(["bash", str(ROOT / "scripts" / "typecheck.sh")], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHON": sys.executable})
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "Success: no issues found" in report, report
