"""What the SLO alerts do, shown in the real promtool with synthetic series.

Written apart from the unit tests the target generates (those check its own scenarios with
constant error ratios): here the series change over time the way incidents do, and every
expectation is worked out by hand from the SRE workbook, not from the rules' code.

- a fast burn (10 % errors against a 99.95 % objective) pages once 2 % of the 30-day
  budget is spent, about 4.3 minutes in, and not before;
- a slow burn (2x the budget rate) opens a ticket and never pages, and the ticket goes to
  the ticket receiver, never the pager's;
- zero traffic is silent, burn and no-data alerts alike;
- an outage that ends resolves every alert once the windows have passed;
- under ``--env staging`` production's errors do not page staging, and staging's do;
- the no-data alert fires when the series disappear, after its ``for``;
- the budget left over the period is weighted by traffic (recordings summed, not averaged).

promtool comes from Debian's ``prometheus`` package; these tests fail when it is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_prometheus_helpers import emit, rules_of, run_promtool, write_tree

from mlopsc import __version__
from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.target import EmitOptions
from mlopsc.targets.prometheus.target import PrometheusTarget

pytestmark = pytest.mark.integration

AVAILABILITY = "rules/slo-scorer-availability.yaml"
PROD_OK = 'http_requests_total{namespace="fraud-prod",service="fraud-scorer",code="200"}'
PROD_BAD = 'http_requests_total{namespace="fraud-prod",service="fraud-scorer",code="500"}'
STAGING_OK = 'http_requests_total{namespace="fraud-staging",service="fraud-scorer",code="200"}'
STAGING_BAD = 'http_requests_total{namespace="fraud-staging",service="fraud-scorer",code="500"}'
DAY = 24 * 60
DAYS_3 = 3 * DAY


def flagship(environment: str) -> dict[str, bytes]:
    """The prometheus target's files for the flagship under ``--env environment``."""
    compilation = run(Options(spec=str(ROOT / "mlops.yaml"), environment=environment),
                      until="lower")
    assert not compilation.diagnostics.has_errors
    artifacts = PrometheusTarget().emit(compilation.ir, EmitOptions(__version__, "mlops.yaml"),
                                        Diagnostics())
    return {a.path: a.content for a in artifacts}


def counter(name: str, *segments: tuple[float, int], step: int = 1) -> dict:
    """A counter growing by ``per_minute`` for ``minutes``, segment after segment, sampled
    every ``step`` minutes (the test's interval)."""
    parts, start = [], 0.0
    for per_minute, minutes in segments:
        parts.append(f"{start:.12g}+{per_minute * step:.12g}x{minutes // step}")
        start += per_minute * minutes
    # Each segment repeats its start value; promtool's expanding notation has no join.
    values = " ".join(_expand(p) for p in parts)
    return {"series": name, "values": values}


def _expand(part: str) -> str:
    start, rest = part.split("+")
    step, times = rest.split("x")
    first = float(start) + float(step)  # the segment's first sample is one step in
    return f"{first:.12g}+{step}x{int(times) - 1}"


def fires(rules: dict[str, bytes], rule_file: str, series: list[dict],
          checks: list[tuple[str, str, list[str]]], tmp_path: Path,
          exprs: list[dict] | None = None, step: int = 1) -> None:
    """Run promtool: at each (eval_time, alertname, tiers) exactly those tiers fire.

    The rule file is loaded as generated, less its annotations: promtool compares them
    too, and what fires (and with which labels) is what these tests are about.
    """
    write_tree(rules, tmp_path)
    loaded = yaml.safe_load(rules[rule_file])
    for group in loaded["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    (tmp_path / rule_file).write_text(yaml.safe_dump(loaded))
    alert_tests = []
    for at, alertname, tiers in checks:
        fired = [a for a in _alerts(rules[rule_file]) if a["alert"] == alertname
                 and a["labels"]["tier"] in tiers]
        assert len(fired) == len(tiers), (tiers, "unknown tier")
        alert_tests.append({"eval_time": at, "alertname": alertname,
                            "exp_alerts": [{"exp_labels": _labels(a, rules[rule_file])}
                                           for a in fired]})
    test = {"interval": f"{step}m", "input_series": [{"series": 'up{job="x"}', "values": "1x10"},
                                               *series],
            "alert_rule_test": alert_tests, "promql_expr_test": exprs or []}
    body = {"rule_files": [f"../{rule_file}"], "evaluation_interval": f"{step}m",
            "tests": [test]}
    (tmp_path / "tests").mkdir(exist_ok=True)
    (tmp_path / "tests" / "behaviour.test.yaml").write_text(yaml.safe_dump(body))
    done = run_promtool("test", "rules", "behaviour.test.yaml", cwd=tmp_path / "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def _alerts(text: bytes) -> list[dict]:
    return [r for r in rules_of(text.decode()) if "alert" in r]


def _labels(alert: dict, text: bytes) -> dict[str, str]:
    """The labels promtool shows: the recorded series' labels (or absent()'s) under the rule's."""
    recorded = next(r["labels"] for r in rules_of(text.decode()) if "record" in r)
    if alert["expr"].startswith("absent("):  # absent() keeps the equality matchers
        recorded = dict(re.findall(r'(\w+)="([^"]*)"', alert["expr"]))
    return {**recorded, **alert["labels"]}


# ---------------------------------------------------------------- burn-rate behaviour
def test_fast_burn_pages_when_two_percent_of_the_budget_is_spent(tmp_path):
    """99.95 % over 30 days allows 21,600 errors at 1000 requests a minute. At 10 % errors
    (100 a minute) page-fast (14.4x over 1h and 5m) fires once the 1h ratio exceeds 0.72 %:
    after 5 bad minutes (500 / 59,000 = 0.85 %; 4 minutes give 0.68 %), 2.3 % of the budget.
    """
    rules = flagship("prod")
    # A quiet day first, so the long windows hold history (500 errors in it stay below the
    # ticket bounds); the first bad minute ends at `onset`, so `onset + 4m` has seen five.
    onset = DAY + 60
    series = [counter(PROD_OK, (1000, onset), (900, 60)),
              counter(PROD_BAD, (0, onset), (100, 60))]
    fires(rules, AVAILABILITY, series, [
        (f"{onset + 3}m", "ErrorBudgetBurn", []),
        (f"{onset + 4}m", "ErrorBudgetBurn", ["page-fast"]),
    ], tmp_path)


def test_slow_burn_opens_a_ticket_and_never_pages(tmp_path):
    """2x the budget rate (0.1 % errors) for three days: ticket-slow (1x over 3d and 6h)
    fires; no page tier ever does, and the ticket carries the ticket receiver only."""
    files, _ = emit(SLO_WITH_RECEIVERS)
    rules = {p: t.encode() for p, t in files.items()}
    series = [counter('http_requests_total{namespace="dev",service="iris-api",code="200"}',
                      (999, DAYS_3), step=2),
              counter('http_requests_total{namespace="dev",service="iris-api",code="500"}',
                      (1, DAYS_3), step=2)]
    ticket = next(a for a in _alerts(rules["rules/slo-avail.yaml"])
              if a["labels"]["tier"] == "ticket-slow")
    assert ticket["labels"]["receiver"] == "iris-tickets"
    fires(rules, "rules/slo-avail.yaml", series, [
        (at, "ErrorBudgetBurn", ["ticket-slow"]) for at in ("1h", "6h", "1d", "3d")
    ], tmp_path, step=2)


SLO_WITH_RECEIVERS = """
slos:
  avail:
    deployment: iris-api
    sli: {type: availability, metric: http_requests_total, selector: {service: iris-api}}
    objective: 99.95
    alerting:
      routing: {team: iris, receiver: iris-pager}
      receivers: {ticket: iris-tickets}
"""


def test_receivers_per_tier():
    files, _ = emit(SLO_WITH_RECEIVERS)
    got = {a["labels"]["tier"]: a["labels"].get("receiver")
           for a in _alerts(files["rules/slo-avail.yaml"].encode())}
    assert got == {"page-fast": "iris-pager", "page-slow": "iris-pager",
                   "ticket-fast": "iris-tickets", "ticket-slow": "iris-tickets",
                   "no-data": "iris-pager"}
    # Without a ticket receiver, tickets carry none: never the pager's.
    files, _ = emit(SLO_WITH_RECEIVERS.replace("receivers: {ticket: iris-tickets}", "page: true"))
    got = {a["labels"]["tier"]: a["labels"].get("receiver")
           for a in _alerts(files["rules/slo-avail.yaml"].encode())}
    assert got["ticket-fast"] is None and got["ticket-slow"] is None
    assert got["page-fast"] == "iris-pager"


def test_zero_traffic_stays_silent(tmp_path):
    """Series that exist but do not grow (a quiet night, or days of it): no burn alert
    (the ratios are absent, not NaN) and no no-data alert (the series exist)."""
    rules = flagship("prod")
    series = [counter(PROD_OK, (1000, 60), (0, DAYS_3), step=2),
              counter(PROD_BAD, (0, 60 + DAYS_3), step=2)]
    fires(rules, AVAILABILITY, series, [
        (at, name, []) for at in ("2h", "1d", "3d")
        for name in ("ErrorBudgetBurn", "SLIDataMissing")
    ], tmp_path, step=2)


def test_recovery_resolves(tmp_path):
    """Ten minutes of a full outage page at once; once errors stop, the pages resolve when
    their short windows are clean, the tickets when theirs are, and after 7 hours nothing
    fires."""
    rules = flagship("prod")
    start = DAY
    series = [counter(PROD_OK, (1000, start), (0, 10), (1000, 8 * 60)),
              counter(PROD_BAD, (0, start), (1000, 10), (0, 8 * 60))]
    fires(rules, AVAILABILITY, series, [
        (f"{start + 5}m", "ErrorBudgetBurn", ["page-fast", "page-slow", "ticket-fast",
                                               "ticket-slow"]),
        # 5m window clean: page-fast resolved; 30m window still dirty: page-slow stays.
        (f"{start + 20}m", "ErrorBudgetBurn", ["page-slow", "ticket-fast", "ticket-slow"]),
        (f"{start + 50}m", "ErrorBudgetBurn", ["ticket-fast", "ticket-slow"]),
        (f"{start + 10 + 7 * 60}m", "ErrorBudgetBurn", []),
    ], tmp_path)


# ---------------------------------------------------------------- environments
@pytest.mark.parametrize(("bad_in", "pages"), [
    ("prod", False),      # production burns, staging is quiet: staging must not page
    ("staging", True),    # and the reverse: staging's own errors page staging
])
def test_staging_reads_only_its_own_namespace(tmp_path, bad_in, pages):
    rules = flagship("staging")
    text = rules[AVAILABILITY].decode()
    assert 'namespace="fraud-staging",service="fraud-scorer"' in text
    assert 'namespace="fraud-prod"' not in text
    bad, ok = (PROD_BAD, PROD_OK) if bad_in == "prod" else (STAGING_BAD, STAGING_OK)
    other_ok, other_bad = (STAGING_OK, STAGING_BAD) if bad_in == "prod" else (PROD_OK, PROD_BAD)
    series = [counter(ok, (500, 120)), counter(bad, (500, 120)),
              counter(other_ok, (1000, 120)), counter(other_bad, (0, 120))]
    expected = ["page-fast", "page-slow", "ticket-fast", "ticket-slow"] if pages else []
    fires(rules, AVAILABILITY, series, [("2h", "ErrorBudgetBurn", expected)], tmp_path)


def test_staging_without_the_namespace_matcher_would_page(tmp_path):
    """The control: the same rules with the namespace matcher removed page staging on
    production's errors, so the test above can fail."""
    rules = flagship("staging")
    rules[AVAILABILITY] = rules[AVAILABILITY].replace(b'namespace="fraud-staging",', b"")
    series = [counter(PROD_OK, (500, 120)), counter(PROD_BAD, (500, 120)),
              counter(STAGING_OK, (1000, 120))]
    write_tree(rules, tmp_path)
    with pytest.raises(AssertionError):
        fires(rules, AVAILABILITY, series, [("2h", "ErrorBudgetBurn", [])], tmp_path)


# ---------------------------------------------------------------- no data
def test_no_data_alert_fires_when_the_series_disappear(tmp_path):
    """The scrape breaks after an hour: the series go stale 5 minutes later (no sample in
    the lookback), SLIDataMissing is pending for 10 minutes, then fires."""
    rules = flagship("prod")
    series = [counter(PROD_OK, (1000, 60)), counter(PROD_BAD, (1, 60))]
    fires(rules, AVAILABILITY, series, [
        ("50m", "SLIDataMissing", []),
        ("72m", "SLIDataMissing", []),
        ("80m", "SLIDataMissing", ["no-data"]),
    ], tmp_path)


# ---------------------------------------------------------------- the period's ratio
PERIOD_SLO = """
slos:
  day:
    deployment: iris-api
    sli: {type: availability, metric: http_requests_total, selector: {service: iris-api}}
    objective: 99
    period: 1d
"""


def test_budget_left_is_weighted_by_traffic(tmp_path):
    """A busy bad morning and a quiet good rest of the day (objective 99 % over 1 day):

    - 6 h at 1000 requests a minute with 5 % errors: 18,000 errors of 360,000;
    - 18 h at 100 requests a minute without errors: 108,000 requests.

    Error ratio of the day: 18,000 / 468,000 = 3.846 %; budget left 1 - 3.846 = -2.846.
    The mean of the 5-minute ratios (what averaging recorded ratios gives) would be
    5 % x 6/24 = 1.25 %, a budget left of -0.25: far outside the tolerance below.
    """
    files, _ = emit(PERIOD_SLO)
    rules = {p: t.encode() for p, t in files.items()}
    rule = next(r for r in rules_of(files["rules/slo-day.yaml"])
            if r.get("record") == "mlopsc:slo_error_ratio:rate1d")
    assert "sum_over_time(mlopsc:slo_errors:rate5m" in rule["expr"]
    assert "[1d]" not in rule["expr"].split("sum_over_time")[0]  # no raw rate over the day
    ok = 'http_requests_total{namespace="dev",service="iris-api",code="200"}'
    bad = 'http_requests_total{namespace="dev",service="iris-api",code="500"}'
    series = [counter(ok, (950, 360), (100, 1080)), counter(bad, (50, 360), (0, 1080))]
    left = 'mlopsc:slo_error_budget:remaining{slo="day"}'
    exprs = [{"expr": f"abs({left} - -2.846) < bool 0.03", "eval_time": "24h",
              "exp_samples": [{"labels": '{deployment="iris-api",namespace="dev",slo="day"}',
                               "value": 1}]}]
    fires(rules, "rules/slo-day.yaml", series, [], tmp_path, exprs=exprs)
