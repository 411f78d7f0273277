"""The Prometheus target checked with the real promtool: every rule file parses and lints,
and the generated unit tests show each SLO's alerts fire (and stay quiet) when they should.

promtool comes from Debian's `prometheus` package; these tests fail when it is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, compilable_specs, example_id
from test_prometheus_helpers import emit, emit_example, rules_of, run_promtool, write_tree

pytestmark = pytest.mark.integration
SCHEMA = ROOT / "tests/fixtures/schemas/crds/monitoring.coreos.com/prometheusrule_v1.json"


_compile = emit_example


@pytest.fixture(scope="module", params=compilable_specs(), ids=example_id)
def example(request, tmp_path_factory):
    files, ir_ = _compile(request.param)
    root = write_tree(files, tmp_path_factory.mktemp(example_id(request.param)))
    return root, files, ir_


def test_check_rules_on_every_rule_file(example):
    root, files, ir_ = example
    rule_files = sorted(p for p in files if p.startswith("rules/"))
    # The operator resources hold the same groups: check what the operator would load too.
    for path in sorted(p for p in files if p.startswith("operator/") and "kustom" not in p):
        spec = yaml.safe_load(files[path])["spec"]
        (root / "operator-spec").mkdir(exist_ok=True)
        (root / "operator-spec" / Path(path).name).write_text(yaml.safe_dump(spec))
        rule_files.append(f"operator-spec/{Path(path).name}")
    if not rule_files:  # nothing to alert on: then there must be nothing in the spec either
        assert (ir_.slos, ir_.monitors) == ((), ())
        assert all(d.freshness_max_age_s is None for d in ir_.datasets)
        return
    done = run_promtool("check", "rules", *rule_files, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == len(rule_files), done.stdout


def test_generated_unit_tests_pass(example):
    root, files, ir_ = example
    tests = sorted(p for p in files if p.startswith("tests/"))
    assert tests == [f"tests/slo-{s.name}.test.yaml" for s in ir_.slos]
    if not tests:
        return
    done = run_promtool("test", "rules", *[Path(t).name for t in tests], cwd=root / "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == len(tests), done.stdout


def test_operator_resources_match_the_crd_schema(example):
    _, files, _ = example
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    for path in sorted(p for p in files if p.startswith("operator/") and "kustom" not in p):
        resource = yaml.safe_load(files[path])
        errors = [e.message for e in validator.iter_errors(resource)]
        assert errors == [], path


def _scenarios(test_file: str) -> dict[str, list[str]]:
    """Scenario name (without the SLO) -> the tiers it expects to fire."""
    out = {}
    for test in yaml.safe_load(test_file)["tests"]:
        out[test["name"].split(": ", 1)[1]] = [a["exp_labels"]["tier"]
                                               for check in test["alert_rule_test"]
                                               for a in check["exp_alerts"]]
    return out


NO_DATA = {"no data: SLIDataMissing fires": ["no-data"]}


def test_flagship_scenarios_are_the_workbook_ones():
    files, _ = _compile(ROOT / "mlops.yaml")
    assert _scenarios(files["tests/slo-scorer-availability.test.yaml"].decode()) == {
        "fast burn (21.6x): every tier fires": ["page-fast", "page-slow", "ticket-fast",
                                                 "ticket-slow"],
        "slow burn (2x): only ticket tiers fire": ["ticket-slow"],
        "healthy: nothing fires": [],
        "no traffic: nothing fires": [],
        **NO_DATA,
    }


def test_generated_tests_catch_a_broken_rule(tmp_path):
    """Mutate the page bound: the fast-burn test must now fail (the tests can fail)."""
    files, _ = _compile(ROOT / "mlops.yaml")
    rules = files["rules/slo-scorer-availability.yaml"].decode()
    assert rules.count(" > 0.0072") == 2
    files["rules/slo-scorer-availability.yaml"] = rules.replace(" > 0.0072", " > 0.9").encode()
    write_tree(files, tmp_path)
    done = run_promtool("test", "rules", "slo-scorer-availability.test.yaml",
                        cwd=tmp_path / "tests")
    assert done.returncode == 1
    assert "FAILED" in done.stdout + done.stderr


VARIANT = """
slos:
  v:
    deployment: iris-api
    sli: {sli}
    objective: {objective}
    period: {period}
    alerting: {alerting}
"""
AVAILABILITY = "{type: availability, metric: http_requests_total, selector: {job: api}}"


@pytest.mark.parametrize(("sli", "objective", "period", "alerting", "scenarios"), [
    # 7 days: the scaled page-slow burn (1.4x) is below 2x, so the slow burn sits between.
    (AVAILABILITY, "99.9", "7d", "{}",
     {"fast burn (5.04x): every tier fires": ["page-fast", "page-slow", "ticket-fast",
                                              "ticket-slow"],
      "slow burn (1.05x): only ticket tiers fire": ["ticket-fast", "ticket-slow"],
      "healthy: nothing fires": [], "no traffic: nothing fires": []}),
    # 90 %: the 14.4x page needs an error ratio above 100 % and never fires (W543).
    (AVAILABILITY, "90", "30d", "{}",
     {"fast burn (21.6x): every tier fires": ["page-slow", "ticket-fast", "ticket-slow"],
      "slow burn (2x): only ticket tiers fire": ["ticket-slow"],
      "healthy: nothing fires": [], "no traffic: nothing fires": []}),
    ("{type: latency, metric: rpc_seconds, selector: {job: api}, threshold: 1}", "99", "30d",
     "{ticket: false}",
     {"fast burn (21.6x): every tier fires": ["page-fast", "page-slow"],
      "healthy: nothing fires": [], "no traffic: nothing fires": []}),
    ("{type: error_ratio, metric: jobs_total, error_selector: {status: 'failed|timeout'}}",
     "95", "1d",
     ("{tiers: [{name: hot, severity: critical, burn_rate: 10, long_window: 1h, short_window: 5m},"
     " {name: warm, severity: warning, burn_rate: 3, long_window: 6h, short_window: 30m}]}"),
     {"fast burn (15x): every tier fires": ["hot", "warm"],
      "slow burn (6.5x): only ticket tiers fire": ["warm"],
      "healthy: nothing fires": [], "no traffic: nothing fires": []}),
])
def test_slo_variants_under_promtool(tmp_path, sli, objective, period, alerting, scenarios):
    spec = (VARIANT.replace("{sli}", sli).replace("{objective}", objective)
            .replace("{period}", period).replace("{alerting}", alerting))
    files, _ = emit(spec)
    assert _scenarios(files["tests/slo-v.test.yaml"]) == {**scenarios, **NO_DATA}
    write_tree(files, tmp_path)
    checked = run_promtool("check", "rules", "rules/slo-v.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run_promtool("test", "rules", "slo-v.test.yaml", cwd=tmp_path / "tests")
    assert tested.returncode == 0, tested.stdout + tested.stderr


HOSTILE = r"""
slos:
  hostile:
    deployment: iris-api
    sli:
      type: error_ratio
      metric: http_requests_total
      selector: {service: "a\"} or vector(1) or up{x=\"\\", path: "line\nbreak \u2028 {{ $value }}"}
      error_selector: {code: "5..|4\"29"}
    objective: 99.5
    alerting:
      runbook: "https://rb.example/{{ .Labels }}\"'"
      routing:
        team: "{{ template \"x\" }}"
        labels: {note: "it's \"quoted\"\nand {{ braced }}"}
"""


def test_hostile_strings_stay_literal(tmp_path):
    files, diagnostics = emit(HOSTILE)
    assert diagnostics == []
    write_tree(files, tmp_path)
    checked = run_promtool("check", "rules", "rules/slo-hostile.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run_promtool("test", "rules", "slo-hostile.test.yaml", cwd=tmp_path / "tests")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    first = yaml.safe_load(files["tests/slo-hostile.test.yaml"])["tests"][0]
    labels = first["alert_rule_test"][0]["exp_alerts"][0]["exp_labels"]
    assert labels["team"] == '{{ template "x" }}'
    assert labels["note"] == "it's \"quoted\"\nand {{ braced }}"


@pytest.mark.parametrize("value", [
    'a"b', "back\\slash", "new\nline", '"} or vector(1) or {x="', "tab\there", "ü 🙂",
    "sep\u2028x", "{{ $value }}", "\x01ctl", "",
])
def test_quote_round_trips_through_promql(tmp_path, value):
    """A PromQL literal built by quote() holds exactly the value: promtool reads it back
    (the expectation is written by PyYAML, independently of mlopsc's writers)."""
    from mlopsc.render.promql import quote

    rules = {"groups": [{"name": "q", "rules": [{
        # label_replace expands `$name` in its replacement: `$$` is a literal `$`.
        "alert": "Quoted",
        "expr": f'label_replace(vector(1), "got", {quote(value.replace("$", "$$"))}, "", "")'}]}]}
    expected = {"got": value} if value else {}
    test = {"rule_files": ["rules.yaml"], "tests": [{"interval": "1m", "alert_rule_test": [
        {"eval_time": "1m", "alertname": "Quoted", "exp_alerts": [{"exp_labels": expected}]}]}]}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules))
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(test))
    done = run_promtool("test", "rules", "test.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


FRESHNESS = "mlops_dataset_last_update_timestamp_seconds"


@pytest.mark.parametrize(("scenario", "values", "fires"), [
    # The job exports the time of the newest record every minute; records keep arriving.
    ("fresh", "0+60x240", False),
    # Records stopped arriving at 0; the job keeps saying so: stale after 2h, firing 15m later.
    ("stale", "0+0x240", True),
    # Records and the job's reports stopped after 1h: stale at 3h although nothing is exported.
    ("job gone", "0+60x60 _x180", True),
    # Nothing ever reported the dataset's freshness.
    ("never measured", None, True),
])
def test_freshness_alert_fires_when_stale_or_unmeasured(tmp_path, scenario, values, fires):
    files, _ = _compile(ROOT / "mlops.yaml")
    write_tree(files, tmp_path)
    series = {"series": f'{FRESHNESS}{{dataset="transactions",job="quality"}}', "values": values}
    # An unrelated series, so that promtool has input even when the gauge never existed.
    other = {"series": 'up{job="quality"}', "values": "1+0x240"}
    labels = {"team": "team-payments-data", "receiver": "data-pager",
              "monitor": "transactions-freshness", "severity": "critical",
              "dataset": "transactions"}
    if values is not None and scenario != "job gone":
        labels["job"] = "quality"  # the first branch keeps the gauge's labels
    (rule,) = [r for r in rules_of(files["rules/dataset-transactions.yaml"].decode())
               if r["alert"] == "DatasetStale"]
    expected = [{"exp_labels": labels, "exp_annotations": rule["annotations"]}] if fires else []
    test = {"rule_files": ["rules/dataset-transactions.yaml"], "evaluation_interval": "1m",
            "tests": [{"interval": "1m",
                       "input_series": [other] + ([series] if values is not None else []),
                       "alert_rule_test": [{"eval_time": "4h", "alertname": "DatasetStale",
                                            "exp_alerts": expected}]}]}
    (tmp_path / "freshness.test.yaml").write_text(yaml.safe_dump(test))
    done = run_promtool("test", "rules", "freshness.test.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
