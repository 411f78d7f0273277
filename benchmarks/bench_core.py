"""Speed of the core: whole-process validate of the flagship, load + check of N models.

Run with ``pytest benchmarks/bench_core.py``; figures go in docs/performance.md.
Targets: flagship validate < 0.5 s wall as a process; 1,000 models load + check < 2 s;
2,000 models at most 2.2x the time of 1,000.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlopsc.driver import Options, run

ROOT = Path(__file__).resolve().parent.parent


def _check(path: Path):
    compilation = run(Options(spec=str(path)), until="check_rollouts")
    assert not compilation.diagnostics.has_errors, compilation.diagnostics.sorted()[:3]
    return compilation


def test_validate_flagship_process(benchmark):
    """`mlopsc validate mlops.yaml` as a whole process (interpreter start-up included)."""
    def once():
        done = subprocess.run([sys.executable, "-m", "mlopsc.cli", "validate",
                               str(ROOT / "mlops.yaml")], capture_output=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr

    benchmark.pedantic(once, rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("n_models", [1000, 2000])
def test_load_and_check(benchmark, synthetic_spec, n_models):
    path = synthetic_spec(n_models)
    benchmark.pedantic(_check, args=(path,), rounds=3, iterations=1)


def test_scaling_is_linear(synthetic_spec):
    def best(path: Path) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            _check(path)
            times.append(time.perf_counter() - start)
        return min(times)

    small, large = best(synthetic_spec(1000)), best(synthetic_spec(2000))
    print(f"\n1000 models: {small:.3f} s; 2000 models: {large:.3f} s; ratio {large / small:.2f}")
    assert large / small <= 2.2
