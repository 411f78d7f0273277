"""Spec strings reaching a consumer that expands templates stay literal, shown in the real tool.

Prometheus: alerting-rule label and annotation values are Go text/template. Every spec
string that reaches one (tier name, routing team / receiver / labels, runbook, SLO
description, monitor routing and runbook, drift feature, quality check, dataset owner) is
put into an alert by the target, and a ``promtool test rules`` file written here, by hand
and independently of mlopsc's own unit-test writer, expects the hostile text literally.
Had the query action run, the label would read ``42`` and promtool would fail the test.

Argo Rollouts' AnalysisTemplate substitution is checked in this file too (see below); the
Airflow and KFP cases live in tests/integration/test_airflow_injection.py and
tests/integration/test_kubeflow_injection.py.
"""

from __future__ import annotations

import json

import pytest
import yaml
from test_prometheus_helpers import MINIMAL, emit, rules_of, run_promtool, write_tree

pytestmark = pytest.mark.integration

QUERY = '{{ with query "vector(42)" }}{{ . | first | value }}{{ end }}'
HOSTILE = [
    QUERY,
    "{{ $value }} and {{ .Labels }} and {{ $labels.team }}",
    '{{ template "x" }}{{ define "x" }}boom{{ end }}',
    "{{- /* trimmed comment */ -}}",
    "{{{ three }}} and }}{{ swapped",
    '{{ "{{" }} looks escaped already',
    "a{{",
    "ends with {",
]


def _q(text: str) -> str:
    """YAML (JSON) scalar for the spec, and a Go/PromQL string literal for promtool."""
    return json.dumps(text)


SLO = """
slos:
  hostile:
    deployment: iris-api
    description: {text}
    sli: {{type: availability, metric: http_requests_total, selector: {{service: iris-api}}}}
    objective: 99.5
    alerting:
      runbook: {text}
      routing: {{team: {text}, receiver: {text}, labels: {{note: {text}}}}}
      tiers:
        - {{name: {text}, severity: critical, burn_rate: 14.4, long_window: 1h,
            short_window: 5m}}
"""


def _slo_test(text: str) -> dict:
    """10 % errors for 6h: the one tier (bound 7.2 %) fires; everything expected literally."""
    series = 'http_requests_total{{service="iris-api",namespace="dev"{extra}}}'
    return {"rule_files": ["../rules/slo-hostile.yaml"], "evaluation_interval": "1m",
            "tests": [{"interval": "1m", "input_series": [
                {"series": series.format(extra=',code="500"'), "values": "0+100x360"},
                {"series": series.format(extra=',code="200"'), "values": "0+900x360"}],
                "alert_rule_test": [{"eval_time": "6h", "alertname": "ErrorBudgetBurn",
                                     "exp_alerts": [{
                    "exp_labels": {"slo": "hostile", "deployment": "iris-api",
                                   "namespace": "dev", "severity": "critical", "tier": text,
                                   "team": text, "receiver": text, "note": text},
                    "exp_annotations": {
                        "runbook_url": text, "slo_description": text,
                        "summary": f"SLO hostile of iris-api burns its error budget 14.4x "
                                   f"too fast ({text})",
                        "description": "Error ratio over 1h is 10% (also above the bound over "
                                       "5m); the objective 99.5% over 30d allows 0.5%."}}]}]}]}


@pytest.mark.parametrize("text", HOSTILE)
def test_slo_alert_labels_and_annotations_are_literal_in_promtool(tmp_path, text):
    files, diagnostics = emit(SLO.format(text=_q(text)))
    assert diagnostics == []
    write_tree(files, tmp_path)
    checked = run_promtool("check", "rules", "rules/slo-hostile.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (tmp_path / "tests" / "literal.test.yaml").write_text(yaml.safe_dump(_slo_test(text)))
    tested = run_promtool("test", "rules", "literal.test.yaml", cwd=tmp_path / "tests")
    assert tested.returncode == 0, tested.stdout + tested.stderr


MONITOR = """
monitors:
  drift:
    type: data_drift
    deployment: iris-api
    features: [{{name: {text}, method: psi, threshold: 0.2}}]
    owner: {text}
    routing: {{receiver: {text}, labels: {{note: {text}}}}}
    runbook: {text}
"""


def _monitor_test(text: str) -> dict:
    score = (f'mlops_feature_drift_score{{deployment="iris-api",feature={_q(text)},'
             'method="psi",window="1d"}')
    labels = {"deployment": "iris-api", "feature": text, "method": "psi", "window": "1d",
              "team": text, "receiver": text, "note": text, "monitor": "drift",
              "severity": "warning"}
    summary = f"Feature {text} drifted (psi over 1d above 0.2), monitor drift"
    return {"rule_files": ["../rules/monitors-iris-api.yaml"], "evaluation_interval": "1m",
            "tests": [{"interval": "1m", "input_series": [{"series": score, "values": "0.5x10"}],
                       "alert_rule_test": [{"eval_time": "5m", "alertname": "FeatureDrift",
                                            "exp_alerts": [{
                           "exp_labels": labels,
                           "exp_annotations": {"runbook_url": text, "summary": summary}}]}]}]}


@pytest.mark.parametrize("text", HOSTILE)
def test_monitor_alert_labels_and_annotations_are_literal_in_promtool(tmp_path, text):
    files, diagnostics = emit(MONITOR.format(text=_q(text)))
    assert diagnostics == []
    write_tree(files, tmp_path)
    checked = run_promtool("check", "rules", "rules/monitors-iris-api.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (tmp_path / "tests").mkdir(exist_ok=True)
    (tmp_path / "tests" / "literal.test.yaml").write_text(yaml.safe_dump(_monitor_test(text)))
    tested = run_promtool("test", "rules", "literal.test.yaml", cwd=tmp_path / "tests")
    assert tested.returncode == 0, tested.stdout + tested.stderr


QUALITY = """
datasets:
  iris:
    owner: {text}
    version: "1.0.0"
    location: s3://demo-data/iris.csv
    format: csv
    freshness: {{max_age: 2h}}
    fields: [{{name: x, type: float}}]
    quality: [{{name: {text}, check: not_null, field: x, max_failure_ratio: 0.01}}]
monitors:
  dq:
    type: data_quality
    dataset: iris
"""


def test_dataset_alerts_carry_owner_and_check_literally(tmp_path):
    """Quality check names and the dataset owner (team label of freshness alerts)."""
    base = yaml.safe_load(MINIMAL)
    del base["datasets"]
    text = QUERY
    spec = yaml.safe_dump(base) + QUALITY.format(text=_q(text))
    files, diagnostics = emit("", base=spec)
    assert diagnostics == []
    rules = {r["alert"]: r for r in rules_of(files["rules/dataset-iris.yaml"])}
    assert set(rules) == {"DataQualityCheckFailing", "DatasetStale"}
    write_tree(files, tmp_path)
    ratio = f'mlops_data_quality_failure_ratio{{check={_q(text)},dataset="iris",window="1d"}}'
    test = {"rule_files": ["rules/dataset-iris.yaml"], "evaluation_interval": "1m", "tests": [
        {"interval": "1m", "input_series": [{"series": ratio, "values": "0.5x10"}],
         "alert_rule_test": [
             {"eval_time": "5m", "alertname": "DataQualityCheckFailing", "exp_alerts": [{
                 "exp_labels": {"check": text, "dataset": "iris", "window": "1d",
                                "team": text, "monitor": "dq", "severity": "warning"},
                 "exp_annotations": {"summary": f"Check {text} of dataset iris fails on more "
                                                "than 1% of rows over 1d"}}]},
             {"eval_time": "5m", "alertname": "DatasetStale", "exp_alerts": [{
                 "exp_labels": {"dataset": "iris", "team": text, "severity": "warning"},
                 "exp_annotations": {"summary": "Dataset iris has no record newer than 2h (its "
                                                "contract's freshness), or nothing has "
                                                "reported its freshness for 2h"}}]}]}]}
    (tmp_path / "literal.test.yaml").write_text(yaml.safe_dump(test))
    tested = run_promtool("test", "rules", "literal.test.yaml", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr


# --------------------------------------------------------------------- Argo Rollouts
# Argo Rollouts (utils/analysis ResolveMetricArgs, utils/template ResolveQuotedArgs) marshals
# a metric to JSON and runs valyala/fasttemplate over that text with `{{` and `}}`: every
# `{{`, up to the next `}}`, is a tag; the tag trimmed of spaces must be `args.NAME` of a
# supplied argument (its value goes in with strconv.Quote's escapes), else the measurement
# fails with "failed to resolve {{tag}}"; a `{{` with no `}}` after it is a template error.
# No Argo controller runs here: this is that rule, ported, applied to the generated
# AnalysisTemplates; Prometheus (promtool) then evaluates the query as Argo would send it.

class ArgoError(Exception):
    pass


def argo_resolve(text: str, args: dict[str, str]) -> str:
    out, pos = [], 0
    while (start := text.find("{{", pos)) >= 0:
        end = text.find("}}", start + 2)
        if end < 0:
            raise ArgoError(f"cannot find end tag in {text[start:]!r}")
        tag = text[start + 2:end]
        if tag.strip() not in args:
            raise ArgoError(f"failed to resolve {{{{{tag}}}}}")
        out += [text[pos:start], json.dumps(args[tag.strip()])[1:-1]]
        pos = end + 2
    return "".join(out) + text[pos:]


def go_json(value: object) -> str:
    """encoding/json's output for plain data: compact, HTML characters escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


HASH = "6d4f8b7c5"
ROLLOUT = """
deployments:
  api:
    model: iris-classifier
    environment: dev
    image: ghcr.io/acme/iris:0.2.0
    rollout:
      strategy: canary
      steps: [{weight: 10}]
      analysis: {slos: [api-avail, api-latency]}
      rollback:
        - {type: slo_breach, slo: api-avail}
        - {type: error_rate, threshold: 0.05}
        - {type: latency, threshold: 0.5}
        - {type: drift, monitor: drift}
slos:
  api-avail:
    deployment: api
    sli: {type: availability, metric: http_requests_total, selector: {service: @V@},
          error_selector: {kind: @R@}}
    objective: 99.9
  api-latency:
    deployment: api
    sli: {type: latency, metric: http_request_duration_seconds, selector: {service: @V@},
          threshold: 0.2}
    objective: 99
monitors:
  drift:
    type: data_drift
    deployment: api
    features: [{name: @V@, threshold: 0.25}]
"""
ARGO_HOSTILE = ["{{args.candidate-hash}}", "{{ args.candidate-hash }}", "{{args.stolen}}",
                "{{", "}}{{", "a{{{b", "{{=sprig.env('HOME')}}", QUERY]


def _analysis_metrics(value: str, regex: str | None = None) -> list[dict]:
    """The metrics of both templates, ``value`` in every spec string that reaches a query
    (``regex``, default ``value``, as the error selector)."""
    from test_kubernetes import BASE
    from test_kubernetes_helpers import emit, objects

    spec = ROLLOUT.replace("@V@", json.dumps(value)).replace("@R@", json.dumps(regex or value))
    files, diagnostics = emit(spec, base=BASE)
    assert [d for d in diagnostics if d[0].startswith("E")] == []
    templates = [o for o in objects(files).values() if o["kind"] == "AnalysisTemplate"]
    assert len(templates) == 2  # the gate and the rollback template
    return [m for t in templates for m in t["spec"]["metrics"]]


@pytest.mark.parametrize("value", ARGO_HOSTILE)
def test_argo_substitutes_only_the_candidate_hash(value):
    metrics = _analysis_metrics(value)
    assert len(metrics) == 5  # the drift trigger is left out (W560): drift is no canary signal
    for metric in metrics:
        resolved = json.loads(argo_resolve(go_json(metric), {f"args.{'candidate-hash'}": HASH}))
        expected = json.loads(json.dumps(metric).replace("{{args.candidate-hash}}", HASH))
        assert resolved == expected, metric["name"]


def test_the_argo_rule_would_catch_raw_spec_text():
    """The port is not vacuous: the same text unescaped fails or is substituted."""
    from mlopsc.render.promql import quote

    with pytest.raises(ArgoError, match="failed to resolve"):
        argo_resolve(quote("{{args.stolen}}"), {"args.candidate-hash": HASH})
    assert argo_resolve(quote("{{args.candidate-hash}}"), {"args.candidate-hash": HASH}) \
        == f'"{HASH}"'


@pytest.mark.integration
@pytest.mark.parametrize("value", ARGO_HOSTILE)
def test_resolved_queries_select_the_literal_label_in_prometheus(tmp_path, value):
    """After Argo's substitution, Prometheus reads the escaped literals back as the spec's
    text: the gate query of api-avail selects the hostile labels (the error selector matches
    the hostile text as a regex: RE2-escaped, still holding `{{`)."""
    from mlopsc.render.promql import regex_literal

    regex = regex_literal(value).replace("\\{", "{")  # `{` alone is literal in RE2
    metrics = _analysis_metrics(value, regex)
    by_name = {m["name"]: m["provider"]["prometheus"]["query"] for m in metrics}
    resolve = {"args.candidate-hash": HASH}
    gate = argo_resolve(by_name["slo-api-avail"], resolve)
    # the deployment's namespace too: analysis queries are scoped to it, as SLO rules are
    labels = {"namespace": "dev", "service": value, "kind": value,
              "rollouts_pod_template_hash": HASH}
    requests = "http_requests_total{" + ",".join(
        f"{k}={json.dumps(v)}" for k, v in labels.items()) + "}"
    test = {"rule_files": [], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": requests, "values": "0+6000x60"}],  # over the minimum count
        "promql_expr_test": [
            {"expr": gate, "eval_time": "30m", "exp_samples": [{"labels": "{}", "value": 1}]},
        ]}]}
    (tmp_path / "argo.test.yaml").write_text(yaml.safe_dump(test))
    done = run_promtool("test", "rules", "argo.test.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_name_argo_would_substitute_is_e540():
    """A metric field outside PromQL literals (here the metric name, from an SLO name that
    only the spec's name rule would stop) holding `{{` is refused at the target."""
    from test_kubernetes import BASE
    from test_kubernetes_helpers import emit

    spec = ROLLOUT.replace("@V@", '"x"').replace("@R@", '"5.."')
    spec = spec.replace("api-avail", "'a{{args.x}}'")
    _, diagnostics = emit(spec, base=BASE)
    # the analysis gate and the rollback trigger both name the SLO
    assert {(c, p) for c, _, p in diagnostics if c == "E540"} == {
        ("E540", "deployments.api.rollout")}
