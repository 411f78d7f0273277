"""The Kubernetes target: manifests per deployment, with progressive delivery.

Split by the kind of object: :mod:`workloads` (Deployment, Service, CronJob),
:mod:`rollouts` and :mod:`analysis` (Argo Rollouts), :mod:`istio`, :mod:`kserve`,
:mod:`autoscaling` (HPA, PDB), :mod:`monitoring` (ServiceMonitor) and :mod:`output`
(YAML files and kustomization).
"""

from mlopsc.targets.kubernetes.target import KubernetesTarget

__all__ = ["KubernetesTarget"]
