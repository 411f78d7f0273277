"""Synthetic specs of N models for benchmarks.

Each model comes with a data contract of 20 fields, a 5-step training pipeline, a canary
deployment with 3 SLOs and 5 drift monitors, all well-formed and governed like the flagship,
so that every pass (and the policy bundle) does its full work.

    python benchmarks/synth.py 1000 > /tmp/spec-1000.yaml
"""

from __future__ import annotations

import sys

import yaml

DIGEST = "sha256:" + "ab" * 32


def _dataset(i: int) -> dict:
    fields = [{"name": "entity_id", "type": "string", "pii": True, "classification": "internal"}]
    for j in range(1, 19):
        if j % 3:
            fields.append({"name": f"f{j}", "type": "float", "kind": "continuous", "min": 0})
        else:
            fields.append({"name": f"f{j}", "type": "category", "kind": "categorical"})
    fields.append({"name": "label", "type": "boolean"})
    return {"owner": f"team-{i % 17}", "version": "1.0.0", "location": f"s3://lake/d{i}/",
            "format": "parquet", "fields": fields, "freshness": {"max_age": "6h"},
            "retention": {"period": "365d", "erasure": True}}


def _pipeline(i: int) -> dict:
    names = ["extract", "validate", "train", "evaluate", "register"]
    steps = []
    for k, name in enumerate(names):
        step = {"name": name, "image": f"ghcr.io/acme/train-{i}@{DIGEST}",
                "command": ["python", "-m", f"job.{name}"],
                "resources": {"cpu": "1", "memory": "2Gi"},
                "retries": {"limit": 2, "backoff": "1m"}, "timeout": "1h"}
        if k:
            step["after"] = [names[k - 1]]
        steps.append(step)
    return {"owner": f"team-{i % 17}", "orchestrator": "kubeflow" if i % 2 else "airflow",
            "schedule": "0 2 * * *", "inputs": [{"dataset": f"data-{i}", "version": "1.0.0"}],
            "steps": steps, "outputs": {"model": f"model-{i}"}}


def _model(i: int) -> dict:
    return {
        "owner": f"team-{i % 17}", "version": "1.2.0", "framework": "xgboost",
        "artifact": {"uri": f"s3://models/m{i}/", "encrypted": True},
        "stage": "production",
        "history": [{"stage": "staging", "version": "1.2.0", "date": "2026-10-01"},
                    {"stage": "production", "version": "1.2.0", "date": "2026-10-08"}],
        "risk_tier": "medium",
        "card": {"intended_use": "scoring", "limitations": "synthetic",
                 "ethical_considerations": "none known", "fairness_assessment": "reviewed",
                 "maintenance": "weekly"},
        "training": {"pipeline": f"train-{i}", "code_version": "abc1234",
                     "datasets": [{"dataset": f"data-{i}", "version": "1.0.0"}],
                     "image": f"ghcr.io/acme/train-{i}@{DIGEST}"},
        "metrics": {"auc": {"value": 0.9, "threshold": 0.85, "baseline": 0.8}},
        "approvals": [{"by": "lead@acme.example", "role": "ml-lead", "date": "2026-10-07"}],
    }


def _deployment(i: int) -> dict:
    return {
        "model": f"model-{i}", "environment": "prod", "owner": f"team-{i % 17}",
        "image": f"ghcr.io/acme/serve-{i}@{DIGEST}",
        "resources": {"cpu": "500m", "memory": "1Gi"},
        "autoscaling": {"min_replicas": 2, "max_replicas": 10, "target_cpu_utilization": 70},
        "rollout": {"strategy": "canary",
                    "steps": [{"weight": 5, "pause": "10m"}, {"weight": 50, "pause": "10m"},
                              {"weight": 100}],
                    "analysis": {"slos": [f"avail-{i}", f"latency-{i}"]},
                    "rollback": [{"type": "slo_breach", "slo": f"avail-{i}"}]},
    }


def _slos(i: int) -> dict:
    common = {"deployment": f"serve-{i}",
              "alerting": {"runbook": "https://runbooks.example/x", "routing": {"team": "t"}}}
    return {
        f"avail-{i}": {**common, "objective": 99.9,
                       "sli": {"type": "availability", "metric": "http_requests_total",
                               "selector": {"service": f"serve-{i}"}}},
        f"errors-{i}": {**common, "objective": 99.5,
                        "sli": {"type": "error_ratio", "metric": "predictions_total",
                                "selector": {"service": f"serve-{i}"},
                                "error_selector": {"outcome": "error"}}},
        f"latency-{i}": {**common, "objective": 99.0,
                         "sli": {"type": "latency", "metric": "http_request_duration_seconds",
                                 "selector": {"service": f"serve-{i}"}, "threshold": 0.25}},
    }


def _monitors(i: int) -> dict:
    return {f"drift-{i}-{k}": {"type": "data_drift", "deployment": f"serve-{i}",
                               "dataset": f"data-{i}", "features": [f"f{k + 1}", f"f{k + 6}"],
                               "window": "1d", "severity": "warning",
                               "routing": {"team": f"team-{i % 17}"},
                               "runbook": "https://runbooks.example/drift"}
            for k in range(5)}


def make_document(n_models: int) -> dict:
    doc: dict = {"apiVersion": "mlopsc/v1",
                 "metadata": {"name": f"synthetic-{n_models}", "owner": "bench"},
                 "datasets": {}, "pipelines": {}, "models": {}, "deployments": {}, "slos": {},
                 "monitors": {}}
    for i in range(n_models):
        doc["datasets"][f"data-{i}"] = _dataset(i)
        doc["pipelines"][f"train-{i}"] = _pipeline(i)
        doc["models"][f"model-{i}"] = _model(i)
        doc["deployments"][f"serve-{i}"] = _deployment(i)
        doc["slos"].update(_slos(i))
        doc["monitors"].update(_monitors(i))
    return doc


def make_spec(n_models: int) -> str:
    """The synthetic spec as YAML text."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(make_document(n_models), Dumper=dumper, sort_keys=False,
                     default_flow_style=False, width=120)


if __name__ == "__main__":
    sys.stdout.write(make_spec(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
