"""Validity of the Kubernetes target's manifests for every compilable example: core kinds
through kubernetes-validate (strict), custom resources through the CRD schemas. Their bytes
are compared in tests/golden/test_goldens.py."""

from __future__ import annotations

import pytest
import yaml
from conftest import compilable_specs, example_id
from test_kubernetes_helpers import emit_ir, ir_of, objects, validation_errors


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_every_manifest_validates(spec):
    files, _ = emit_ir(ir_of(spec))
    problems = {path: validation_errors(obj) for path, obj in objects(files).items()}
    assert {path: p for path, p in problems.items() if p} == {}
    assert problems  # every example has a deployment


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_kustomization_lists_each_folder(spec):
    files, _ = emit_ir(ir_of(spec))
    folders = {path.rsplit("/", 1)[0] for path in files}
    for folder in folders:
        listed = yaml.safe_load(files[f"{folder}/kustomization.yaml"])["resources"]
        present = sorted(p.rsplit("/", 1)[1] for p in files
                         if p.startswith(folder + "/") and not p.endswith("kustomization.yaml"))
        assert listed == present


@pytest.mark.parametrize(("obj", "expected"), [
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
      "spec": {"selector": {}, "template": {}, "replicass": 1}}, "Deployment: "),
    ({"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "x"},
      "spec": {"hosts": ["x"], "http": [{"mirrorPercent": {"value": 1}}]}}, "VirtualService: "),
    ({"apiVersion": "example.com/v1", "kind": "Thing"}, "no schema for example.com/v1 Thing"),
])
def test_checkers_reject_what_is_wrong(obj, expected):
    # The validators are strict: an unknown field or kind is an error, not a pass.
    errors = validation_errors(obj)
    assert errors and errors[0].startswith(expected)
