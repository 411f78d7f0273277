"""Speed of the Kubernetes target: 1,000 synthetic canary deployments with 3 SLOs each.

Run with ``pytest benchmarks/bench_kubernetes.py``; figures go in docs/performance.md
("Kubernetes target"). The budget is kubernetes + prometheus under 3 s for 1,000
deployments x 3 SLOs; ``bench_prometheus.py`` measures both together, this file the
kubernetes share.
"""

from __future__ import annotations

import gc

import pytest

from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.target import EmitOptions
from mlopsc.targets.kubernetes import KubernetesTarget


@pytest.fixture(scope="module")
def ir_1000(synthetic_spec):
    compilation = run(Options(spec=str(synthetic_spec(1000))), until="lower")
    assert len(compilation.ir.deployments) == 1000 and len(compilation.ir.slos) == 3000
    return compilation.ir


def _emit(ir_, settings: dict[str, str]) -> int:
    gc.disable()  # as in a real run (driver.run)
    try:
        bag = Diagnostics()
        artifacts = KubernetesTarget().emit(ir_, EmitOptions("0", "mlops.yaml", settings), bag)
        assert not bag.has_errors
        return len(artifacts)
    finally:
        gc.enable()


@pytest.mark.parametrize("flavour", ["deployment", "kserve"])
def test_kubernetes_1000(benchmark, ir_1000, flavour):
    settings = {"kubernetes.flavour": flavour} if flavour == "kserve" else {}
    files = benchmark.pedantic(_emit, args=(ir_1000, settings), rounds=3, iterations=1,
                               warmup_rounds=1)
    assert files > 1000
    assert benchmark.stats.stats.mean < 1.5  # half of the shared 3 s budget
