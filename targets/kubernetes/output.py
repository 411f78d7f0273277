"""Objects to files: one YAML file per object, keys sorted, and a kustomization.yaml.

The YAML comes from the Prometheus target's block writer
(:mod:`mlopsc.render.yaml_out`), which quotes every string a YAML 1.1 or 1.2
reader could take for something else (``on``, ``yes``, ``0755``, ``1e3``...) and escapes
newlines, so a spec string stays one scalar value: never a key, never a document.
"""

from __future__ import annotations

from typing import Any

from mlopsc.render.yaml_out import dump
from mlopsc.target import Artifact

KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"


def file_name(obj: dict[str, Any]) -> str:
    return f"{obj['kind'].lower()}-{obj['metadata']['name']}.yaml"


def render(folder: str, objects: list[dict[str, Any]], header: str) -> list[Artifact]:
    """Artifacts under ``folder``: the objects and the kustomization listing them."""
    comment = f"# {header}\n"
    out = {}
    for obj in objects:
        out[file_name(obj)] = comment + dump(obj, sort_keys=True)
    kustomization = {"apiVersion": KUSTOMIZE_API, "kind": "Kustomization",
                     "resources": sorted(out)}
    out["kustomization.yaml"] = comment + dump(kustomization)
    return [Artifact(f"{folder}/{name}", text.encode()) for name, text in sorted(out.items())]
