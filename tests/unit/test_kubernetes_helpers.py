"""Shared helpers of the Kubernetes target tests (no tests here): emit, and the real checkers."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.passes.lower import lower
from mlopsc.spec import Spec
from mlopsc.target import EmitOptions
from mlopsc.targets.kubernetes import KubernetesTarget

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "examples" / "minimal" / "mlops.yaml").read_text()
CRDS = Path(__file__).parent.parent / "fixtures" / "schemas" / "crds"
K8S_VERSION = "1.33.0"
"""The Kubernetes version core kinds are validated against (kubernetes-validate, strict)."""
CORE_GROUPS = ("v1", "apps/v1", "batch/v1", "autoscaling/v2", "policy/v1", "networking.k8s.io/v1")
CRD_FILES = {
    ("argoproj.io/v1alpha1", "Rollout"): "argoproj.io/rollout_v1alpha1.json",
    ("argoproj.io/v1alpha1", "AnalysisTemplate"): "argoproj.io/analysistemplate_v1alpha1.json",
    ("networking.istio.io/v1", "VirtualService"): "networking.istio.io/virtualservice_v1.json",
    ("networking.istio.io/v1", "DestinationRule"): "networking.istio.io/destinationrule_v1.json",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "monitoring.coreos.com/servicemonitor_v1.json",
    ("serving.kserve.io/v1beta1", "InferenceService"):
        "serving.kserve.io/inferenceservice_v1beta1.json",
}


def emit_ir(ir_, settings: dict[str, str] | None = None):
    """(path -> text, [(code, message, path)]) of the Kubernetes target over ``ir_``."""
    bag = Diagnostics()
    options = EmitOptions("0.0.0", "mlops.yaml", settings or {})
    artifacts = KubernetesTarget().emit(ir_, options, bag)
    return ({a.path: a.content.decode() for a in artifacts},
            [(d.code, d.message, d.path) for d in bag.sorted()])


def emit(extra: str, settings: dict[str, str] | None = None, base: str = MINIMAL):
    """Emit for the minimal example plus the YAML text ``extra`` (appended sections)."""
    return emit_ir(lower(Spec.model_validate(yaml.safe_load(base + extra))), settings)


def ir_of(spec: Path):
    """The IR of a spec file, lowered without the policy pass (targets never see policies)."""
    compilation = run(Options(spec=str(spec)), until="lower")
    assert compilation.ir is not None, [d.message for d in compilation.diagnostics]
    return compilation.ir


def objects(files: dict[str, str]) -> dict[str, dict]:
    return {path: yaml.safe_load(text) for path, text in files.items()
            if not path.endswith("kustomization.yaml")}


@cache
def _validator(relative: str) -> jsonschema.Draft7Validator:
    schema = json.loads((CRDS / relative).read_text())
    return jsonschema.Draft7Validator(schema)


def validation_errors(obj: dict) -> list[str]:
    """Problems of one manifest: kubernetes-validate (strict) for core kinds, the CRD
    JSON Schema for custom resources; an unknown kind is a problem too."""
    api, kind = obj["apiVersion"], obj["kind"]
    if api in CORE_GROUPS:
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            return [f"{kind}: {error.message} at {list(error.path)}"]
        return []
    relative = CRD_FILES.get((api, kind))
    if relative is None:
        return [f"no schema for {api} {kind}"]
    return [f"{kind}: {e.message} at {list(e.absolute_path)}"
            for e in _validator(relative).iter_errors(obj)]
