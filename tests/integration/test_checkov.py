"""checkov scans the flagship's Kubernetes manifests: no failed check but the justified skips.

The flagship is compiled with the kubernetes target for its default environment and for
``--env staging``; checkov (PyPI, ``scripts/checkov-venv.sh``, found through
``MLOPSC_CHECKOV``) scans both trees in one run with two frameworks:

- ``kubernetes``: every generated object, plus a *Rollout view* of each Argo Rollout: a
  Deployment with the Rollout's metadata, selector and pod template. checkov's Kubernetes
  checks skip custom resources, so without the view the pods of a Rollout (the flagship's
  main workload) would go unchecked; a Rollout's ``template`` is a PodTemplateSpec, as a
  Deployment's is, so the view's pods are the Rollout's pods;
- ``kustomize``: each generated kustomization, built by ``kubectl kustomize`` (Debian's
  ``kubernetes-client``) as Argo CD or Flux would, must fail exactly the same checks.

Every failed check must be listed, by check id and the kind of the object that fails it, in
``checkov-skips.yaml`` with a one-line justification; a listed skip that no longer fails is
stale and fails the test too. A control shows that checkov does fail a privileged container,
in a Deployment and in a Rollout (through its view).

checkov runs offline: ``--skip-download`` (no guidelines from the Prisma Cloud API), no API
key, no update check on PyPI, and proxies that refuse every connection, so a scan that tried
the network would print its error and fail here. A missing checkov fails the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from mlopsc import api
from mlopsc.driver import Options

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("checkov")]

SKIPS = Path(__file__).with_name("checkov-skips.yaml")
ENVIRONMENTS = (None, "staging")
VIEWS = "rollout-views"
WORKLOADS = {"Deployment", "Rollout", "CronJob", "Job", "StatefulSet", "DaemonSet"}
NO_NETWORK = "http://127.0.0.1:9"
"""The discard port: a connection there is refused at once."""


def checkov() -> str:
    path = os.environ.get("MLOPSC_CHECKOV")
    if not path:
        pytest.fail("MLOPSC_CHECKOV is not set: run the tests through scripts/test.sh, or "
                    "export MLOPSC_CHECKOV=$(bash scripts/checkov-venv.sh)")
    if not os.access(path, os.X_OK):
        pytest.fail(f"MLOPSC_CHECKOV={path} is not an executable: rebuild the venv with "
                    "bash scripts/checkov-venv.sh")
    return path


def kubectl() -> str:
    found = shutil.which("kubectl")
    if not found:
        pytest.fail("kubectl is not installed (apt-get install kubernetes-client)")
    return found


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BC_", "PRISMA_", "CKV_")) and k.lower() != "no_proxy"}
    env.update({"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "HTTPS_PROXY": NO_NETWORK,
                "HTTP_PROXY": NO_NETWORK, "https_proxy": NO_NETWORK,
                "http_proxy": NO_NETWORK, "PATH": f"{Path(kubectl()).parent}:{env['PATH']}"})
    return env


def scan(folder: Path, *frameworks: str) -> list[dict]:
    """checkov's JSON reports (one per framework) for every file under ``folder``."""
    done = subprocess.run(
        [checkov(), "--directory", str(folder), "--framework", *frameworks, "--output", "json",
         "--skip-download", "--compact"],
        capture_output=True, text=True, timeout=600, cwd=folder, env=offline_env(),
        check=False)
    # 0: every check passed; 1: some failed. Anything else, or any complaint, is a problem.
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Max retries" not in done.stderr, done.stderr
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert sorted(r["check_type"] for r in reports) == sorted(frameworks), done.stdout[:2000]
    return reports


def rollout_view(rollout: dict) -> dict:
    """A Deployment with the Rollout's metadata, selector and pod template."""
    spec = rollout["spec"]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": rollout["metadata"],
            "spec": {"selector": spec["selector"], "template": spec["template"]}}


def write_views(folder: Path) -> None:
    """A Rollout view of every Rollout under ``folder``, in ``folder/rollout-views``."""
    for path in sorted(folder.rglob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text()):
            if obj and obj.get("kind") == "Rollout":
                views = folder / VIEWS
                views.mkdir(exist_ok=True)
                name = f"{obj['metadata']['namespace']}-{obj['metadata']['name']}.yaml"
                (views / name).write_text(yaml.safe_dump(rollout_view(obj)))


def resource_id(resource: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of a checkov resource id: ``[base:]Kind.namespace.name[...]``."""
    kind, namespace, name = resource.rpartition(":")[2].split(".")[:3]
    return kind, namespace, name


def owners(folder: Path) -> dict[tuple[str, str], str]:
    """(namespace, name) of every workload under ``folder`` -> its kind (Rollout views are
    left out: they stand for their Rollout)."""
    found = {}
    for path in sorted(folder.rglob("*.yaml")):
        if VIEWS in path.parts:
            continue
        for obj in yaml.safe_load_all(path.read_text()):
            if obj and obj.get("kind") in WORKLOADS:
                meta = obj["metadata"]
                found[meta.get("namespace", ""), meta["name"]] = obj["kind"]
    return found


def failures(report: dict, views: bool = True) -> set[tuple[str, str]]:
    """(check id, resource) of every failed check (of Rollout views too unless ``views`` is
    false), the kustomize framework's ``base:`` prefix dropped."""
    return {(f["check_id"], f["resource"].rpartition(":")[2])
            for f in report["results"].get("failed_checks", [])
            if views or f"/{VIEWS}/" not in f["file_path"]}


def by_kind(failed: set[tuple[str, str]], workloads: dict[tuple[str, str], str],
            ) -> dict[tuple[str, str], list[str]]:
    """(check id, kind) -> the resources failing it; the kind of a pod (graph checks name
    ``Pod.<namespace>.<workload>...``) or of a Rollout view is its workload's."""
    out = defaultdict(list)
    for check, resource in sorted(failed):
        kind, namespace, name = resource_id(resource)
        if kind in WORKLOADS | {"Pod"}:
            kind = workloads.get((namespace, name), kind)
        out[check, kind].append(resource)
    return dict(out)


def load_skips() -> dict[tuple[str, str], str]:
    data = yaml.safe_load(SKIPS.read_text())
    skips = {(check, kind): why for check, kinds in data.items() for kind, why in kinds.items()}
    for (check, kind), why in skips.items():
        assert isinstance(why, str) and why.strip(), f"{check} {kind}: no justification"
    return skips


@pytest.fixture(scope="module")
def flagship(tmp_path_factory) -> Path:
    """The kubernetes target's output for each environment, and the Rollout views."""
    root = tmp_path_factory.mktemp("checkov")
    for env in ENVIRONMENTS:
        result = api.compile(Options(spec=str(ROOT / "mlops.yaml"), environment=env,
                                     targets=("kubernetes",)))
        assert result.artifacts, [d.message for d in result.diagnostics][:3]
        folder = root / (env or "default")
        for artifact in result.artifacts:
            if artifact.path.startswith("kubernetes/"):
                path = folder / artifact.path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(artifact.content)
        write_views(folder)
    return root


@pytest.fixture(scope="module")
def reports(flagship) -> dict[str, dict]:
    return {r["check_type"]: r for r in scan(flagship, "kubernetes", "kustomize")}


def test_every_failed_check_is_a_justified_skip(flagship, reports):
    failed = by_kind(failures(reports["kubernetes"]), owners(flagship))
    skips = load_skips()
    names = {f["check_id"]: f["check_name"]
             for f in reports["kubernetes"]["results"].get("failed_checks", [])}
    unexpected = {f"{check} on a {kind}: {names[check]}": resources
                  for (check, kind), resources in failed.items() if (check, kind) not in skips}
    assert unexpected == {}, "fix the kubernetes target, or justify a skip in " + SKIPS.name
    stale = sorted(key for key in skips if key not in failed)
    assert stale == [], f"no longer failing: remove them from {SKIPS.name}"


def test_every_workload_is_scanned(flagship, reports):
    """The scan is not vacuous: each workload's pods (a Rollout's through its view) went
    through the pod checks, e.g. CKV_K8S_16 (no privileged container)."""
    results = reports["kubernetes"]["results"]
    checked = {resource_id(r["resource"])[1:] for r in
               results.get("passed_checks", []) + results.get("failed_checks", [])
               if r["check_id"] == "CKV_K8S_16"}
    workloads = owners(flagship)
    assert "Rollout" in workloads.values() and "Deployment" in workloads.values()
    assert set(workloads) <= checked
    assert reports["kubernetes"]["summary"]["passed"] > 50 * len(workloads)
    assert reports["kubernetes"]["summary"]["parsing_errors"] == 0


def test_kustomize_builds_fail_the_same_checks(reports):
    """The kustomizations as Argo CD or Flux would build them: the same objects, the same
    failed checks (Rollout views are not in any kustomization)."""
    assert failures(reports["kustomize"]) == failures(reports["kubernetes"], views=False)
    assert reports["kustomize"]["summary"]["resource_count"] > 0


def test_checkov_fails_a_privileged_container(tmp_path):
    """The control: a privileged container fails CKV_K8S_16, in a Deployment and, through
    its view, in a Rollout."""
    pod = {"metadata": {"labels": {"app": "bad"}},
           "spec": {"containers": [{"image": "registry.example/bad:1", "name": "bad",
                                    "securityContext": {"privileged": True}}]}}
    spec = {"selector": {"matchLabels": {"app": "bad"}}, "template": pod}
    for kind, api_version in (("Deployment", "apps/v1"), ("Rollout", "argoproj.io/v1alpha1")):
        obj = {"apiVersion": api_version, "kind": kind,
               "metadata": {"name": f"bad-{kind.lower()}", "namespace": "bad"}, "spec": spec}
        (tmp_path / f"{kind.lower()}.yaml").write_text(yaml.safe_dump(obj))
    write_views(tmp_path)
    failed = by_kind(failures(scan(tmp_path, "kubernetes")[0]), owners(tmp_path))
    assert failed["CKV_K8S_16", "Deployment"] == ["Deployment.bad.bad-deployment"]
    assert failed["CKV_K8S_16", "Rollout"] == ["Deployment.bad.bad-rollout"]
