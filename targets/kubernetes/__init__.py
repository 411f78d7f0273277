"""The Kubernetes target: manifests per deployment, with progressive delivery.

Split by the kind of object: :mod:`workloads` (Deployment, Service, CronJob),
:mod:`rollouts` and :mod:`analysis` (Argo Rollouts), :mod:`istio`, :mod:`kserve`,
:mod:`autoscaling` (HPA, PDB), :mod:`monitoring` (ServiceMonitor) and :mod:`output`
(YAML files and kustomization). This module declares the target; :mod:`.target` emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import GPU_NODE_LABEL, ApplyStep, HowToApply, Setting, TargetDeclaration
from mlopsc.targets.kubernetes.codes import CODES

DECLARATION = TargetDeclaration(
    name="kubernetes",
    description="Deployments, Argo Rollouts, Istio routes, KServe, HPA/PDB, CronJobs",
    emitter="mlopsc.targets.kubernetes.target:KubernetesTarget",
    settings={
        "flavour": Setting("serve every deployment this way, whatever its `flavour`",
                           choices=("deployment", "kserve")),
        "kserve-mode": Setting("KServe deployment mode", choices=("serverless", "raw")),
        "prometheus-address": Setting("the Prometheus that analysis queries",
                                      pattern=r"https?://[^\s\"'\\]+",
                                      expected="an http:// or https:// URL"),
        "gpu-node-label": GPU_NODE_LABEL,
    },
    codes=CODES,
    docs="docs/targets/kubernetes.md",
    apply=HowToApply(
        "Kubernetes manifests, one kustomization per environment and deployment "
        "(<environment>/<deployment>/): Deployments or Argo Rollouts with AnalysisTemplates, "
        "Services, Istio VirtualServices, KServe InferenceServices, HPAs, PDBs, "
        "ServiceMonitors, CronJobs. The cluster needs the CRDs they use (Argo Rollouts, "
        "Istio, KServe, Prometheus Operator). With Argo CD or Flux, point one Application "
        "(source.path) or Kustomization (spec.path) at each folder instead of kubectl apply.",
        30,
        (ApplyStep("kubectl", "kubectl kustomize {dir}", each="*/kustomization.yaml",
                   purpose="render each folder (checks that it builds)"),
         ApplyStep("kubectl", "kubectl apply -k {dir}", each="*/kustomization.yaml",
                   purpose="apply each folder", when="applied with kubectl"))),
)


def __getattr__(name: str) -> Any:
    """``KubernetesTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "KubernetesTarget":
        from mlopsc.targets.kubernetes.target import KubernetesTarget
        return KubernetesTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "KubernetesTarget"]
