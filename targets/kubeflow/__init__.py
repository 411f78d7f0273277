"""The Kubeflow target: KFP v2 IR built with the kfp SDK's own compiler."""

from mlopsc.targets.kubeflow.target import KubeflowTarget

__all__ = ["KubeflowTarget"]
