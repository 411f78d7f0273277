"""The Kubeflow target: KFP v2 IR built with the kfp SDK's own compiler.

This module declares the target; :mod:`.target` (which imports kfp, slow) emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import GPU_NODE_LABEL, ApplyStep, HowToApply, Setting, TargetDeclaration
from mlopsc.targets.kubeflow.codes import CODES

_URL = r"https?://[A-Za-z0-9.:\[\]_~%/-]{1,2000}"

# The recurring run as JSON with the uploaded pipeline's id added (python3 with PyYAML, as
# mlopsc itself needs), posted to KFP's v2beta1 API.
RECURRING_RUN_POST = (
    "python3 -c 'import json, sys, yaml; run = yaml.safe_load(open(sys.argv[1])); "
    "run[\"pipeline_version_reference\"] = {\"pipeline_id\": sys.argv[2]}; "
    "json.dump(run, sys.stdout)' {path} \"$PIPELINE_ID\" | curl --fail -X POST "
    "-H 'Content-Type: application/json' --data-binary @- "
    "\"$KFP_ENDPOINT/apis/v2beta1/recurringruns\"")

DECLARATION = TargetDeclaration(
    name="kubeflow",
    description="KFP v2 IR YAML per Kubeflow pipeline (kfp compiler), recurring runs, "
                "alert trigger CronJobs",
    emitter="mlopsc.targets.kubeflow.target:KubeflowTarget",
    settings={
        "gpu-node-label": GPU_NODE_LABEL,
        "prometheus-url": Setting("the Prometheus the trigger CronJobs ask (default "
                                  "http://prometheus-operated.monitoring.svc:9090)",
                                  pattern=_URL, expected="an http(s) URL"),
        "kfp-endpoint": Setting("the KFP API server the trigger CronJobs call (default "
                                "http://ml-pipeline.kubeflow.svc.cluster.local:8888)",
                                pattern=_URL, expected="an http(s) URL"),
        "trigger-cooldown": Setting("the least time between two runs one monitor's alert "
                                    "starts (default 1h)",
                                    pattern=r"([1-9][0-9]{0,5}(s|m|h|d))+",
                                    expected="a duration such as 30m or 1h"),
        "trigger-image": Setting("the Python 3.11+ image the trigger CronJobs run (default "
                                 "python:3.12-slim; pin it by digest)",
                                 pattern=r"[a-z0-9][a-z0-9._/:@-]{0,254}",
                                 expected="an image reference"),
        "notify-image": Setting("the Python 3 image of the exit task that posts a failed run "
                                "to its `notify.on_failure` webhook (default "
                                "python:3.12-slim; pin it by digest)",
                                pattern=r"[a-z0-9][a-z0-9._/:@-]{0,254}",
                                expected="an image reference"),
    },
    orchestrators=("kubeflow",),
    codes=CODES,
    docs="docs/targets/kubeflow.md",
    apply=HowToApply(
        "Kubeflow Pipelines: <pipeline>.yaml is the KFP v2 IR, uploaded as a pipeline; "
        "<pipeline>.recurring-run.yaml is its schedule, a KFP v2beta1 RecurringRun in the "
        "API's field names; <pipeline>.trigger.yaml (when monitors trigger the pipeline) holds "
        "Kubernetes objects applied with kubectl. KFP names an uploaded pipeline by an id its "
        "server makes up, so the recurring run gets it after the upload: "
        "pipeline_version_reference.pipeline_id (required by the API; pipeline_version_id may "
        "stay unset, KFP then runs the latest version). Set KFP_ENDPOINT to the KFP API, e.g. "
        "http://localhost:8888 after kubectl port-forward -n kubeflow svc/ml-pipeline "
        "8888:8888.",
        40,
        (ApplyStep("kfp", 'kfp --endpoint "$KFP_ENDPOINT" --output json pipeline create '
                   "-p {name} {path}", each="*.yaml",
                   exclude=("*.recurring-run.yaml", "*.trigger.yaml"),
                   purpose="upload each pipeline; the id it prints is PIPELINE_ID below"),
         ApplyStep("curl", RECURRING_RUN_POST, each="*.recurring-run.yaml",
                   purpose="create each recurring run, with PIPELINE_ID the id its "
                           "pipeline's upload printed"),
         ApplyStep("kubectl", "kubectl apply -f {path}", each="*.trigger.yaml",
                   purpose="apply each pipeline's alert trigger (runs it when an alert "
                           "fires)"))),
)


def __getattr__(name: str) -> Any:
    """``KubeflowTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "KubeflowTarget":
        from mlopsc.targets.kubeflow.target import KubeflowTarget
        return KubeflowTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "KubeflowTarget"]
