"""``kubectl kustomize`` builds every kustomization mlopsc writes, as Argo CD and Flux would.

Every compilable example is compiled (all targets); each folder holding a
``kustomization.yaml`` (a kubernetes deployment folder, the prometheus ``operator/``
folder) must build, and the build must hold exactly the objects the folder's files hold.

kubectl comes from Debian's ``kubernetes-client`` package; these tests fail when it is
missing (scripts/test.sh installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import compilable_specs, example_id

from mlopsc import api
from mlopsc.driver import Options

pytestmark = pytest.mark.integration


def kubectl() -> str:
    found = shutil.which("kubectl")
    if not found:
        pytest.fail("kubectl is not installed (apt-get install kubernetes-client)")
    return found


def _kinds_and_names(text: str) -> list[tuple[str, str, str]]:
    return sorted((o["kind"], o["metadata"]["name"], o["metadata"].get("namespace", ""))
                  for o in yaml.safe_load_all(text) if o)


@pytest.fixture(scope="module", params=compilable_specs(), ids=example_id)
def compiled(request, tmp_path_factory) -> Path:
    result = api.compile(Options(spec=str(request.param)))
    assert result.artifacts, [d.message for d in result.diagnostics][:3]
    root = tmp_path_factory.mktemp(example_id(request.param))
    for artifact in result.artifacts:
        path = root / artifact.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(artifact.content)
    return root


def test_every_kustomization_builds(compiled):
    folders = sorted(p.parent for p in compiled.rglob("kustomization.yaml"))
    assert folders, "no kustomization written"
    for folder in folders:
        done = subprocess.run([kubectl(), "kustomize", str(folder)], capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, f"{folder}: {done.stderr}"
        listed = yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
        expected = sorted(o for name in listed
                          for o in _kinds_and_names((folder / name).read_text()))
        assert _kinds_and_names(done.stdout) == expected, folder


def test_a_broken_kustomization_fails(tmp_path):
    """The control: kubectl refuses a kustomization naming a missing file."""
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [missing.yaml]\n")
    done = subprocess.run([kubectl(), "kustomize", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0
