"""Spec strings reaching a consumer that expands templates stay literal, shown in the real tool.

Prometheus: alerting-rule label and annotation values are Go text/template. Every spec
string that reaches one (tier name, routing team / receiver / labels, runbook, SLO
description, monitor routing and runbook, drift feature, quality check, dataset owner) is
put into an alert by the target, and a ``promtool test rules`` file written here, by hand
and independently of mlopsc's own unit-test writer, expects the hostile text literally.
Had the query action run, the label would read ``42`` and promtool would fail the test.

Argo Rollouts' AnalysisTemplate substitution is checked in this file too (see below); the
Airflow and KFP cases live in tests/test_airflow_injection.py and
tests/test_kubeflow_injection.py.
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
    series = 'http_requests_total{{service="iris-api"{extra}}}'
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
