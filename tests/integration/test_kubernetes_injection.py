"""Hostile spec strings end up as values: never keys, documents or PromQL matchers."""

from __future__ import annotations

import json

import pytest
import yaml
from test_kubernetes import BASE
from test_kubernetes_helpers import emit, objects, validation_errors
from test_prometheus_helpers import run_promtool

from mlopsc.render.promql import quote
from mlopsc.targets.kubernetes.meta import is_label_value

HOSTILE = [
    "a\nb: c",
    "x: {y: 1}",
    '"quoted" and \'single\'',
    "---\napiVersion: v1\nkind: Secret",
    "ünïcødé ✓ 名前",
    "on",
    "0755",
    '5.."} or vector(1) or up{x="',
    "{{args.stolen}}",
    "- item\n- other",
]
SPEC = """
deployments:
  api:
    model: iris-classifier
    environment: dev
    image: ghcr.io/acme/iris:0.2.0
    labels: {team: @V@}
    env: {GREETING: @V@}
    args: [--motto, @V@]
    probes: {readiness_path: @V@}
    rollout:
      strategy: canary
      steps: [{weight: 10}]
      analysis: {slos: [api-avail]}
slos:
  api-avail:
    deployment: api
    sli: {type: availability, metric: http_requests_total, selector: {service: @V@},
          error_selector: {code: "5.."}}
    objective: 99.9
"""
AB = """
deployments:
  api:
    model: iris-classifier
    environment: dev
    image: ghcr.io/acme/iris:0.2.0
    rollout: {strategy: ab, match: {header: x-group, value: @V@}}
"""


def compile_with(value: str, template: str = SPEC):
    files, diagnostics = emit(template.replace("@V@", json.dumps(value)), base=BASE)
    return files, diagnostics


def shape(value: object) -> object:
    """The keys of every mapping, recursively: what a spec string must never change."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return None


def test_spec_placeholder_is_yaml_for_every_hostile_string():
    for value in HOSTILE:
        text = SPEC.replace("@V@", json.dumps(value))  # a JSON string is a YAML scalar
        assert yaml.safe_load(text)["deployments"]["api"]["env"]["GREETING"] == value


@pytest.mark.parametrize("value", HOSTILE)
def test_values_stay_values(value):
    benign, _ = compile_with("benign")
    files, _ = compile_with(value)
    assert sorted(files) == sorted(benign)
    for path, text in files.items():
        documents = list(yaml.safe_load_all(text))
        assert len(documents) == 1, path
        assert shape(documents[0]) == shape(yaml.safe_load(benign[path])), path
    objs = objects(files)
    rollout = objs["dev/api/rollout-api.yaml"]
    container = rollout["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "GREETING", "value": value} in container["env"]
    assert container["args"] == ["--motto", value]
    assert container["readinessProbe"]["httpGet"]["path"] == value
    for obj in objs.values():
        assert all(is_label_value(v) for v in obj["metadata"]["labels"].values())
        assert validation_errors(obj) == []


@pytest.mark.parametrize("value", HOSTILE)
def test_header_match_value_stays_a_value(value):
    files, _ = compile_with(value, AB)
    http = objects(files)["dev/api/virtualservice-api.yaml"]["spec"]["http"]
    assert http[0]["match"] == [{"headers": {"x-group": {"exact": value}}}]


@pytest.mark.parametrize("value", HOSTILE)
def test_selector_value_is_one_promql_literal(value, tmp_path):
    benign, _ = compile_with("benign")
    files, _ = compile_with(value)
    query = objects(files)["dev/api/analysistemplate-api-gate.yaml"]["spec"]["metrics"][0][
        "provider"]["prometheus"]["query"]
    expected = objects(benign)["dev/api/analysistemplate-api-gate.yaml"]["spec"]["metrics"][0][
        "provider"]["prometheus"]["query"]
    literal = quote(value).replace("{{", "{\\x7b")  # as Argo must not see a placeholder
    # The only placeholders are mlopsc's own: the new pods' hash, in events and total.
    own = "{{args.candidate-hash}}"
    assert query.count(own) == 3 and "{{" not in query.replace(own, "")
    assert query.replace(literal, quote("benign")) == expected
    # Prometheus itself parses the query as Argo sends it, escapes included.
    rule = {"groups": [{"name": "g", "rules": [{"record": "r",
                                                 "expr": query.replace(own, "6d4f8b7c5")}]}]}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rule))
    result = run_promtool("check", "rules", "rules.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
