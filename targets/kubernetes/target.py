"""The Kubernetes target: per deployment, a directory of manifests that GitOps applies as is.

Output (under ``kubernetes/``): ``<environment>/<deployment>/`` with one file per object
(``<kind>-<name>.yaml``) and a ``kustomization.yaml`` listing them. Which objects:

=============  =====================================================================
rolling        Deployment + Service
canary         Rollout (setWeight/pause) + stable and canary Services + VirtualService
blue-green     Rollout (active/preview) + active and preview Services + VirtualService
shadow         stable and candidate Deployments and Services + VirtualService mirror
ab             stable and candidate Deployments and Services + VirtualService match
batch          CronJob
kserve         InferenceService (rolling or canary with canaryTrafficPercent)
=============  =====================================================================

plus AnalysisTemplates from the SLOs and rollback triggers (canary, blue-green), an HPA
(``autoscaling``), a PodDisruptionBudget (2 or more replicas), a ServiceMonitor over a
metrics Service (online and streaming) and a NetworkPolicy admitting ingress on the serving
port only (none for batch; not for kserve). ``--set kubernetes.flavour=kserve`` serves every
deployment with KServe; see :class:`~mlopsc.targets.kubernetes.context.Settings`.
"""

from __future__ import annotations

from typing import ClassVar

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc.targets.kubernetes import DECLARATION, checks
from mlopsc.targets.kubernetes.context import Ctx, Settings
from mlopsc.targets.kubernetes.objects import objects
from mlopsc.targets.kubernetes.output import render


class KubernetesTarget:
    """Compile deployments into Kubernetes, Argo Rollouts, Istio and KServe manifests.

    Example::

        artifacts = KubernetesTarget().emit(ir, EmitOptions("0.1.0", "mlops.yaml"), bag)
        [a.path for a in artifacts][:1]   # ['prod/fraud-scorer/analysistemplate-...yaml']
    """

    declaration: ClassVar[TargetDeclaration] = DECLARATION

    def emit(self, ir_: ir.IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        settings = Settings.parse(options.settings)
        shared = checks.spec_labels(ir_.labels, ("metadata", "labels"), diagnostics)
        out: list[Artifact] = []
        for deployment in ir_.deployments:
            ctx = Ctx(d=deployment, ir=ir_, settings=settings, bag=diagnostics)
            own = checks.spec_labels(deployment.labels, ctx.where("labels"), diagnostics)
            ctx.extra_labels = {**shared, **own}
            checks.version_label(deployment, diagnostics)
            found = objects(ctx)
            if found:
                folder = f"{deployment.environment}/{deployment.name}"
                out.extend(render(folder, found, options.header()))
        return sorted(out, key=lambda a: a.path)
