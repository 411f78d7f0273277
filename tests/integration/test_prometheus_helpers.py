"""Shared helpers of the Prometheus target tests (no tests here): emit from a snippet, promtool."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from mlopsc import __version__
from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.passes.lower import lower
from mlopsc.spec import Spec
from mlopsc.target import EmitOptions
from mlopsc.targets.prometheus import PrometheusTarget

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "examples" / "minimal" / "mlops.yaml").read_text()


def emit(extra: str, settings: dict[str, str] | None = None, base: str = MINIMAL):
    """(path -> text, [(code, message, path)]) for the minimal example plus ``extra``."""
    ir_ = lower(Spec.model_validate(yaml.safe_load(base + extra)))
    bag = Diagnostics()
    options = EmitOptions("0.0.0", "mlops.yaml", settings or {})
    artifacts = PrometheusTarget().emit(ir_, options, bag)
    files = {a.path: a.content.decode() for a in artifacts}
    return files, [(d.code, d.message, d.path) for d in bag.sorted()]


def emit_example(spec: Path) -> tuple[dict[str, bytes], object]:
    """The target's files for an example spec (path relative to ``prometheus/``) and its IR.

    Runs the passes up to lowering, then the target: its output reads only the IR, so these
    tests do not depend on the policy pass.
    """
    compilation = run(Options(spec=str(spec)), until="lower")
    assert not compilation.diagnostics.has_errors, compilation.diagnostics.sorted()[:3]
    bag = Diagnostics()
    artifacts = PrometheusTarget().emit(compilation.ir, EmitOptions(__version__, spec.name), bag)
    assert [d for d in bag.sorted()] == []
    return {a.path: a.content for a in artifacts}, compilation.ir


def rules_of(text: str) -> list[dict]:
    return [rule for group in yaml.safe_load(text)["groups"] for rule in group["rules"]]


def promtool() -> str:
    """The promtool binary; a missing tool fails the test (CI installs Debian's prometheus)."""
    found = shutil.which("promtool")
    if not found:
        pytest.fail("promtool is not installed (apt-get install prometheus)")
    return found


def run_promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


def write_tree(files: dict[str, str | bytes], root: Path) -> Path:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return root
