"""The Kubeflow target: KFP v2 IR built with the kfp SDK's own compiler.

This module declares the target; :mod:`.target` (which imports kfp, slow) emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import GPU_NODE_LABEL, TargetDeclaration
from mlopsc.targets.kubeflow.codes import CODES

DECLARATION = TargetDeclaration(
    name="kubeflow",
    description="KFP v2 IR YAML per Kubeflow pipeline (kfp compiler), recurring runs",
    emitter="mlopsc.targets.kubeflow.target:KubeflowTarget",
    settings={"gpu-node-label": GPU_NODE_LABEL},
    orchestrators=("kubeflow",),
    codes=CODES,
    docs="docs/targets/kubeflow.md",
)


def __getattr__(name: str) -> Any:
    """``KubeflowTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "KubeflowTarget":
        from mlopsc.targets.kubeflow.target import KubeflowTarget
        return KubeflowTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "KubeflowTarget"]
