"""The example plugin (examples/plugin-target, installed editable by scripts/test.sh) adds an
orchestrator and its own diagnostic codes by touching only its own package: a spec whose
pipeline runs on `argo-workflows` validates and compiles with the plugin, and fails with
E333 without it; `mlopsc explain W901` knows the plugin's code, and a run emits it.

"Without it" hides the plugin's distribution from entry-point discovery in a child process
(the same `mlopsc` CLI, with `importlib.metadata` not listing `mlopsc-inventory`), which is
what a machine without the plugin installed sees.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SPEC = """\
apiVersion: mlopsc/v1
metadata:
  name: argo-demo
pipelines:
  nightly-etl:
    owner: team-data
    orchestrator: argo-workflows
    schedule: "0 3 * * *"
    steps:
      - name: extract
        image: ghcr.io/acme/etl:1.4.2
        command: [python, -m, etl.extract]
        args: ["--since", "1d"]
        resources: {cpu: 500m, memory: 1Gi}
        retries: {limit: 3, backoff: 2m}
        timeout: 20m
      - name: transform
        image: ghcr.io/acme/etl:1.4.2
        command: [python, -m, etl.transform]
        after: [extract]
        resources: {cpu: "1", memory: 2Gi}
      - name: load
        image: ghcr.io/acme/etl:1.4.2
        command: [python, -m, etl.load]
        after: [transform, extract]
        env:
          WAREHOUSE_URL: https://warehouse.internal.example
          WAREHOUSE_TOKEN: {secret: warehouse, key: token}
        resources: {cpu: 250m, memory: 512Mi}
"""

# Runs the real CLI with the plugin's distribution left out of entry-point discovery.
WITHOUT_PLUGIN = """\
import importlib.metadata as md, sys
real = md.entry_points
def entry_points(**select):
    return md.EntryPoints(ep for ep in real(**select)
                          if ep.dist is None or ep.dist.name != "mlopsc-inventory")
md.entry_points = entry_points
from mlopsc.cli import main
sys.exit(main(sys.argv[1:]))
"""


def mlopsc(*args: str, cwd: Path, plugin: bool = True) -> subprocess.CompletedProcess[str]:
    head = ["-m", "mlopsc.cli"] if plugin else ["-c", WITHOUT_PLUGIN]
    return subprocess.run([sys.executable, *head, *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=300)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    (tmp_path / "mlops.yaml").write_text(SPEC)
    return tmp_path / "mlops.yaml"


def test_the_plugin_is_installed():
    # Fails (never skips) where scripts/test.sh did not install examples/plugin-target.
    run = mlopsc("targets", cwd=Path.cwd())
    assert "argo-workflows\tmlopsc_inventory:ARGO_WORKFLOWS" in run.stdout, run.stdout


def test_validates_with_the_plugin(spec):
    run = mlopsc("validate", "--format", "json", "--target", "argo-workflows", spec.name,
                 cwd=spec.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    codes = [d["code"] for d in json.loads(run.stdout)["diagnostics"]]
    assert codes == ["W901"]  # the plugin's own code, emitted by the plugin in this run


def test_default_targets_warn_that_only_a_plugin_runs_it(spec):
    run = mlopsc("validate", "--format", "json", spec.name, cwd=spec.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["code"], d["path"]) for d in found] == [
        ("W334", "pipelines.nightly-etl.orchestrator")]


def test_fails_with_e333_without_the_plugin(spec):
    run = mlopsc("validate", "--format", "json", spec.name, cwd=spec.parent, plugin=False)
    assert run.returncode == 1, run.stdout + run.stderr
    (found,) = json.loads(run.stdout)["diagnostics"]
    assert found["code"] == "E333"
    assert found["path"] == "pipelines.nightly-etl.orchestrator"
    assert found["message"] == ("pipeline 'nightly-etl': no target runs orchestrator "
                                "'argo-workflows'")
    assert (found["line"], found["column"]) == (7, 19)
    assert found["hint"] == "orchestrators that targets claim: airflow, kubeflow"
    listed = mlopsc("targets", cwd=spec.parent, plugin=False).stdout
    assert "argo-workflows" not in listed


def test_explain_knows_the_plugin_code(tmp_path):
    run = mlopsc("explain", "W901", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "# W901: Argo Workflow runs only when submitted"
    assert "area: argo-workflows" in run.stdout
    gone = mlopsc("explain", "W901", cwd=tmp_path, plugin=False)
    assert gone.returncode == 2


def compile_spec(spec: Path) -> dict:
    out = spec.parent / "out"
    run = mlopsc("compile", spec.name, "--target", "argo-workflows", "-o", str(out),
                 cwd=spec.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert "argo-workflows/nightly-etl.yaml" in json.dumps(manifest)
    return yaml.safe_load((out / "argo-workflows/nightly-etl.yaml").read_text())


def test_compiles_to_a_workflow_argo_reads_unchanged(spec):
    from hera.workflows.models import Workflow

    workflow = compile_spec(spec)
    # Argo's own models (hera, generated from its OpenAPI spec) ignore unknown fields, so a
    # round trip that changes nothing proves every field is one Argo knows, at its place.
    again = Workflow.model_validate(workflow).model_dump(by_alias=True, exclude_none=True,
                                                         mode="json")
    assert again == workflow


def test_workflow_runs_the_spec_step_graph(spec):
    workflow = compile_spec(spec)
    templates = {t["name"]: t for t in workflow["spec"]["templates"]}
    main = templates[workflow["spec"]["entrypoint"]]
    graph = {t["name"]: sorted(t.get("dependencies", [])) for t in main["dag"]["tasks"]}
    assert graph == {"extract": [], "transform": ["extract"], "load": ["extract", "transform"]}
    steps = {t["name"]: templates[t["template"]]["container"] for t in main["dag"]["tasks"]}
    assert steps["extract"]["command"] == ["python", "-m", "etl.extract"]
    assert steps["load"]["env"][0] == {
        "name": "WAREHOUSE_TOKEN",
        "valueFrom": {"secretKeyRef": {"name": "warehouse", "key": "token"}}}
    assert templates["step-extract"]["retryStrategy"] == {
        "limit": 3, "backoff": {"duration": "120s"}}


def test_template_text_is_refused_not_written(spec):
    spec.write_text(SPEC.replace('args: ["--since", "1d"]', 'args: ["{{workflow.name}}"]'))
    run = mlopsc("validate", "--format", "json", "--target", "argo-workflows", spec.name,
                 cwd=spec.parent)
    assert run.returncode == 1, run.stdout + run.stderr
    codes = {d["code"]: d["path"] for d in json.loads(run.stdout)["diagnostics"]}
    assert codes["E902"] == "pipelines.nightly-etl.steps[0].args[0]"
