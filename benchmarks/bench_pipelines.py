"""Speed of the pipeline targets: 100 pipelines of 10 steps, for Kubeflow and Airflow.

    pytest benchmarks/bench_pipelines.py                 # pytest-benchmark table
    MLOPSC_AIRFLOW_PYTHON=... python benchmarks/bench_pipelines.py   # the side-by-side ratios

Side by side (figures in docs/performance.md):

- kubeflow: the target's emit against the same pipelines written by hand with the kfp DSL
  (components loaded from text once, a ``@dsl.pipeline`` function) and compiled directly
  with ``kfp.compiler.Compiler``; budget 1.3x;
- airflow: importing a generated DAG file against a hand-written equivalent, in Airflow's
  venv (best of N fresh imports, the two files alternating); budget 1.2x.

It also times the whole in-process ``mlopsc compile`` of the 100 x 10 spec for each target.
"""

# No "from __future__ import annotations": kfp reads the pipeline's annotations as types.
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from kfp import compiler, components, dsl, kubernetes

from mlopsc import api
from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.target import EmitOptions
from mlopsc.targets.airflow import AirflowTarget
from mlopsc.targets.kubeflow import KubeflowTarget

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "ghcr.io/acme/train@sha256:" + "ab" * 32
N_PIPELINES, N_STEPS = 100, 10
OPTIONS = EmitOptions("0", "mlops.yaml")


def make_spec(orchestrator: str, n: int = N_PIPELINES, steps: int = N_STEPS) -> str:
    """n pipelines of a chain of steps, each passing an artifact and reading a parameter."""
    pipelines = {}
    for i in range(n):
        chain = []
        for k in range(steps):
            step = {"name": f"s{k}", "image": IMAGE, "command": ["python", "-m", f"job.s{k}"],
                    "args": ["--lr", "$(params.lr)", "--out", "$(outputs.out)"],
                    "outputs": ["out"], "resources": {"cpu": "1", "memory": "2Gi"},
                    "retries": {"limit": 2, "backoff": "1m"}, "timeout": "1h"}
            if k:
                step["inputs"] = {"data": f"s{k - 1}.out"}
                step["args"] += ["--data", "$(inputs.data)"]
            chain.append(step)
        pipelines[f"p{i}"] = {"owner": "team", "orchestrator": orchestrator,
                              "schedule": "0 2 * * *", "tags": ["bench"],
                              "parameters": {"lr": {"type": "float", "default": 0.1}},
                              "steps": chain}
    return yaml.safe_dump({"apiVersion": "mlopsc/v1", "metadata": {"name": "bench"},
                           "pipelines": pipelines})


def lowered(orchestrator: str):
    path = Path(tempfile.mkdtemp()) / "mlops.yaml"
    path.write_text(make_spec(orchestrator))
    return run(Options(spec=str(path)), until="lower").ir


# ------------------------------------------------------------ hand-written kfp equivalent
def _component(k: int):
    inputs = "- {name: lr, type: Float}\n" + ("- {name: data, type: Artifact}\n" if k else "")
    data = ", --data, {inputPath: data}" if k else ""
    return components.load_component_from_text(f"""
name: s{k}
inputs:
{inputs}outputs:
- {{name: out, type: Artifact}}
implementation:
  container:
    image: {IMAGE}
    command: [python, -m, job.s{k}]
    args: [--lr, {{inputValue: lr}}, --out, {{outputPath: out}}{data}]
""")


HAND_COMPONENTS = [_component(k) for k in range(N_STEPS)]


def hand_written_pipeline(name: str):
    @dsl.pipeline(name=name)
    def pipeline(lr: float = 0.1):
        previous = None
        for k, comp in enumerate(HAND_COMPONENTS):
            task = comp(lr=lr, data=previous.outputs["out"]) if k else comp(lr=lr)
            task.set_cpu_request("1").set_memory_request("2Gi").set_memory_limit("2Gi")
            task.set_retry(2, "60s", 1.0, "2147483647s").set_caching_options(True)
            kubernetes.set_timeout(task, 3600)
            kubernetes.set_security_context(task, run_as_non_root=True)
            previous = task
    return pipeline


def compile_hand_written(n: int = N_PIPELINES) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for i in range(n):
            compiler.Compiler().compile(hand_written_pipeline(f"p{i}"), f"{folder}/p{i}.yaml")


# ------------------------------------------------------------ pytest-benchmark cases
def test_kubeflow_target(benchmark):
    ir_ = lowered("kubeflow")
    artifacts = benchmark(lambda: KubeflowTarget().emit(ir_, OPTIONS, Diagnostics()))
    assert len(artifacts) == 2 * N_PIPELINES


def test_kfp_hand_written(benchmark):
    benchmark(compile_hand_written)


def test_airflow_target(benchmark):
    ir_ = lowered("airflow")
    artifacts = benchmark(lambda: AirflowTarget().emit(ir_, OPTIONS, Diagnostics()))
    assert len(artifacts) == N_PIPELINES


# ------------------------------------------------------------ hand-written Airflow equivalent
HAND_DAG = '''from datetime import timedelta

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG, Param
from kubernetes.client import models as k8s

ROOT = "/mlopsc/artifacts/p0/{{ run_id }}"

with DAG(
    dag_id="p0", schedule="0 2 * * *", catchup=False, max_active_runs=1,
    default_args={"owner": "team", "retries": 2, "retry_delay": timedelta(seconds=60),
                  "execution_timeout": timedelta(seconds=3600)},
    tags=["bench"], params={"lr": Param(0.1, type="number")},
):
    previous = None
    for k in range(10):
        args = ["--lr", "{{ params.lr }}", "--out", f"{ROOT}/s{k}/out"]
        if k:
            args += ["--data", f"{ROOT}/s{k - 1}/out"]
        task = KubernetesPodOperator(
            task_id=f"s{k}", image="@IMAGE@", cmds=["python", "-m", f"job.s{k}"], arguments=args,
            container_resources=k8s.V1ResourceRequirements(requests={"cpu": "1", "memory": "2Gi"},
                                                           limits={"memory": "2Gi"}),
            container_security_context={"allowPrivilegeEscalation": False, "privileged": False,
                                        "readOnlyRootFilesystem": True, "runAsNonRoot": True},
            hostnetwork=False)
        if previous is not None:
            previous >> task
        previous = task
'''.replace("@IMAGE@", IMAGE)


def airflow_import_times(repeat: int = 100) -> dict:
    python = os.environ["MLOPSC_AIRFLOW_PYTHON"]
    folder = Path(tempfile.mkdtemp())
    generated = AirflowTarget().emit(lowered("airflow"), OPTIONS, Diagnostics())
    (folder / "generated.py").write_bytes(generated[0].content)
    (folder / "hand_written.py").write_text(HAND_DAG)
    out = subprocess.run([python, str(ROOT / "tests" / "airflow_check.py"), str(folder),
                          "--import-times", str(repeat)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # Airflow may log to stdout first


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _side_by_side(ours, theirs, repeat: int = 5) -> tuple[float, float]:
    """Best of ``repeat`` of each, run alternately so that load on a shared machine falls on
    both alike."""
    times = [(_time(ours), _time(theirs)) for _ in range(repeat)]
    return min(t[0] for t in times), min(t[1] for t in times)


def whole_compile(orchestrator: str) -> float:
    """``mlopsc compile --target ORCHESTRATOR`` of the 100 x 10 spec in-process: load,
    validate, policy gate, lineage, report and the target (best of 3)."""
    path = Path(tempfile.mkdtemp()) / "mlops.yaml"
    path.write_text(make_spec(orchestrator))

    def compile_() -> None:
        result = api.compile(api.Options(spec=str(path), targets=(orchestrator,)))
        assert not result.blocked() and result.artifacts

    return min(_time(compile_) for _ in range(3))


def main() -> None:
    kfp_ir, airflow_ir = lowered("kubeflow"), lowered("airflow")
    ours, hand = _side_by_side(lambda: KubeflowTarget().emit(kfp_ir, OPTIONS, Diagnostics()),
                               compile_hand_written)
    air = min(_time(lambda: AirflowTarget().emit(airflow_ir, OPTIONS, Diagnostics()))
              for _ in range(5))
    print(f"kubeflow target, {N_PIPELINES}x{N_STEPS}: {ours:.3f} s; hand-written kfp: "
          f"{hand:.3f} s; ratio {ours / hand:.2f}")
    print(f"airflow target, {N_PIPELINES}x{N_STEPS}: {air:.3f} s")
    for orchestrator in ("kubeflow", "airflow"):
        print(f"whole compile for {orchestrator}, {N_PIPELINES}x{N_STEPS}: "
              f"{whole_compile(orchestrator):.3f} s")
    if os.environ.get("MLOPSC_AIRFLOW_PYTHON"):
        times = airflow_import_times()
        print(f"DAG import: generated {times['generated.py'] * 1000:.2f} ms; hand-written "
              f"{times['hand_written.py'] * 1000:.2f} ms; ratio "
              f"{times['generated.py'] / times['hand_written.py']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
