"""The queries of both targets read the series that the deployment's own ServiceMonitor makes.

prometheus-operator turns a ServiceMonitor endpoint into a scrape job whose targets carry, in
this order (``pkg/prometheus/promcfg.go``): ``namespace``, ``service`` (the scraped Service),
``pod``, ``container``; the pod labels of ``podTargetLabels`` under sanitised names
(``[^a-zA-Z0-9_]`` becomes ``_``); ``job`` (the Service's name, or the value of its
``jobLabel`` label); ``endpoint``; then the endpoint's own ``relabelings``. :func:`target_labels`
applies these steps to a pod of the generated manifests, and promtool evaluates the
generated AnalysisTemplate queries and SLO recording rules over series with exactly those
labels: the canary gate must see the canary's error ratio, not the whole service's.
"""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT
from test_kubernetes_helpers import emit_ir, ir_of, objects
from test_prometheus_helpers import emit_example, run_promtool, write_tree

pytestmark = pytest.mark.integration
FOLDER = "prod/fraud-scorer"
CANARY_HASH, STABLE_HASH = "7c5b9d8f4", "6d4f8b7c5"
EVAL = "30m"


def target_labels(monitor: dict, service: dict, pod: dict[str, str], pod_name: str) -> dict:
    """The labels prometheus-operator gives the scrape target of one pod (see module doc)."""
    endpoint = monitor["spec"]["endpoints"][0]
    labels = {"namespace": service["metadata"]["namespace"],
              "service": service["metadata"]["name"], "pod": pod_name, "container": "model"}
    for name in monitor["spec"].get("podTargetLabels", []):
        if name in pod:
            labels[re.sub("[^a-zA-Z0-9_]", "_", name)] = pod[name]
    labels["job"] = service["metadata"]["name"]
    job_label = monitor["spec"].get("jobLabel")
    if job_label and service["metadata"]["labels"].get(job_label):
        labels["job"] = service["metadata"]["labels"][job_label]
    labels["endpoint"] = endpoint["port"]
    for step in endpoint.get("relabelings", []):
        # Only what the target writes; anything else must be taught to this model first.
        assert set(step) == {"action", "replacement", "targetLabel"}, step
        assert step["action"] == "replace" and "$" not in step["replacement"], step
        labels[step["targetLabel"]] = step["replacement"]
    return labels


@pytest.fixture(scope="module")
def flagship():
    ir_ = ir_of(ROOT / "mlops.yaml")
    manifests = objects(emit_ir(ir_)[0])
    rules, _ = emit_example(ROOT / "mlops.yaml")
    return {p.removeprefix(FOLDER + "/"): o for p, o in manifests.items()
            if p.startswith(FOLDER + "/")}, rules


def _pods(manifests: dict) -> list[tuple[str, dict]]:
    """(pod name, labels): one canary pod of the Rollout's template and one stable pod of the
    previous version, each with the hash label Argo Rollouts adds to its ReplicaSet's pods."""
    template = manifests["rollout-fraud-scorer.yaml"]["spec"]["template"]["metadata"]["labels"]
    canary = {**template, "rollouts-pod-template-hash": CANARY_HASH}
    stable = {**template, "app.kubernetes.io/version": "2.2.1",
              "rollouts-pod-template-hash": STABLE_HASH}
    return [(f"fraud-scorer-{CANARY_HASH}-x1", canary), (f"fraud-scorer-{STABLE_HASH}-y1", stable)]


def _series(name: str, labels: dict, per_minute: float) -> dict:
    text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return {"series": f"{name}{{{text}}}", "values": f"0+{per_minute:g}x40"}


def _input(manifests: dict) -> list[dict]:
    """Stable: 95,000 requests a minute, none failing, all fast. Canary: 5,000 a minute,
    0.4 % failing (20 a minute) and 10 % slower than 150 ms. Whole service: 0.02 % failing.
    (The canary's 25,000 requests in 5 minutes pass the gate's minimum of 10 / budget,
    20,000 for 99.95 %.)"""
    monitor, service = (manifests["servicemonitor-fraud-scorer.yaml"],
                        manifests["service-fraud-scorer-metrics.yaml"])
    out = []
    for (pod_name, pod), (ok, bad, fast) in zip(_pods(manifests), [(4980, 20, 4500),
                                                                   (95000, 0, 95000)],
                                                 strict=True):
        target = target_labels(monitor, service, pod, pod_name)
        out.append(_series("http_requests_total", {**target, "code": "200"}, ok))
        if bad:
            out.append(_series("http_requests_total", {**target, "code": "503"}, bad))
        out.append(_series("http_request_duration_seconds_bucket", {**target, "le": "0.15"}, fast))
        out.append(_series("http_request_duration_seconds_count", target, ok + bad))
    return out


def _queries(manifests: dict, template: str) -> dict[str, str]:
    metrics = manifests[f"analysistemplate-fraud-scorer-{template}.yaml"]["spec"]["metrics"]
    return {m["name"]: m["provider"]["prometheus"]["query"] for m in metrics}


def _check(expr: str, value: float, labels: str = "{}") -> dict:
    """``expr`` equals ``value`` to 1e-6 (in millionths: promtool compares floats exactly)."""
    return {"expr": f"round(({expr}) * 1e6)", "eval_time": EVAL,
            "exp_samples": [{"labels": labels, "value": round(value * 1e6)}]}


def test_series_scraped_by_the_service_monitor_carry_the_sli_labels(flagship):
    manifests, _ = flagship
    labels = [target_labels(manifests["servicemonitor-fraud-scorer.yaml"],
                            manifests["service-fraud-scorer-metrics.yaml"], pod, name)
              for name, pod in _pods(manifests)]
    assert labels[0] == {
        "namespace": "fraud-prod", "service": "fraud-scorer",
        "pod": f"fraud-scorer-{CANARY_HASH}-x1",
        "container": "model", "app_kubernetes_io_version": "2.3.0",
        "mlopsc_io_model": "fraud-detector", "rollouts_pod_template_hash": CANARY_HASH,
        "job": "fraud-scorer", "endpoint": "http"}
    assert labels[1]["rollouts_pod_template_hash"] == STABLE_HASH
    # Without the relabeling the series would say service="fraud-scorer-metrics", which the
    # SLIs' selector {service: fraud-scorer} never matches.
    bare = {**manifests["servicemonitor-fraud-scorer.yaml"]}
    bare["spec"] = {**bare["spec"], "endpoints": [
        {k: v for k, v in bare["spec"]["endpoints"][0].items() if k != "relabelings"}]}
    pod_name, pod = _pods(manifests)[0]
    assert target_labels(bare, manifests["service-fraud-scorer-metrics.yaml"], pod,
                         pod_name)["service"] == "fraud-scorer-metrics"


def test_analysis_judges_the_canary_and_slo_rules_the_service(flagship, tmp_path):
    manifests, rules = flagship
    gate, rollback = _queries(manifests, "gate"), _queries(manifests, "rollback")
    assert gate["slo-scorer-availability"] == rollback["rollback-0-slo-breach-scorer-availability"]
    placeholder = "{{args.candidate-hash}}"

    def as_argo_runs(query: str, pod_hash: str) -> str:
        # events, total and the request count, each narrowed to the new pods
        assert query.count(placeholder) == 3
        return query.replace(placeholder, pod_hash)

    checks = [
        # The canary's own ratios: 0.4 % errors (budget 0.05 %), 10 % slow (budget 1 %).
        _check(as_argo_runs(gate["slo-scorer-availability"], CANARY_HASH), 0.004),
        _check(as_argo_runs(gate["slo-scorer-latency"], CANARY_HASH), 0.1),
        # The same queries over the stable pods see a healthy version.
        _check(as_argo_runs(gate["slo-scorer-availability"], STABLE_HASH), 0),
        _check(as_argo_runs(gate["slo-scorer-latency"], STABLE_HASH), 0),
        # The SLO rules measure what users get: the whole service, diluted to 0.02 % errors.
        _check('mlopsc:slo_error_ratio:rate5m{slo="scorer-availability"}', 0.0002,
               '{slo="scorer-availability",deployment="fraud-scorer",namespace="fraud-prod"}'),
        _check('mlopsc:slo_error_ratio:rate5m{slo="scorer-latency"}', 0.005,
               '{slo="scorer-latency",deployment="fraud-scorer",namespace="fraud-prod"}'),
    ]
    test = {"rule_files": ["rules/slo-scorer-availability.yaml", "rules/slo-scorer-latency.yaml"],
            "evaluation_interval": "1m",
            "tests": [{"interval": "1m", "input_series": _input(manifests),
                       "promql_expr_test": checks}]}
    write_tree(rules, tmp_path)
    (tmp_path / "scraped.test.yaml").write_text(yaml.safe_dump(test, sort_keys=False))
    done = run_promtool("test", "rules", "scraped.test.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # What Argo decides with these results: the gate fails at 0.4 % although the service
    # as a whole (0.02 %) is within budget.
    bound = float(manifests["analysistemplate-fraud-scorer-gate.yaml"]["spec"]["metrics"][0]
                  ["successCondition"].rsplit("<= ", 1)[1])
    assert 0.0002 <= bound < 0.004
