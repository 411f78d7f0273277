"""``promtool test rules`` files that prove each SLO's alerts behave.

Four scenarios per SLO, each a constant error ratio ``r`` over six hours of synthetic
series (1000 requests a minute):

- fast burn: ``r`` is 1.5x the highest tier bound, so every enabled tier fires;
- slow burn: 2x the budget rate (or a rate between the ticket and the page bounds when the
  period's scaled tiers put 2x elsewhere): only ticket tiers fire;
- healthy: half the lowest tier bound: nothing fires, and the budget left is checked;
- no traffic: flat counters: nothing fires (ratios are absent, never NaN), and
  ``SLIDataMissing`` stays quiet because the series exist;
- no data: no series at all: ``SLIDataMissing`` fires.

Series carry the deployment's namespace, as the SLO rules select it.

A tier fires when ``r`` exceeds its bound ``burn_rate x error budget``, because with
constant rates every window sees the same ratio.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mlopsc import ir
from mlopsc.render.promql import number, quote, selector
from mlopsc.render.yaml_out import dump
from mlopsc.targets.prometheus import regex_sample
from mlopsc.targets.prometheus.slo_rules import (
    ABSENT_ALERT,
    ALERT,
    BUDGET_REMAINING,
    error_budget,
    scoped_sli,
)

PER_MINUTE = 1000.0
MINUTES = 360
EVAL_TIME = "6h"
_INERT = '{{ "{{" }}'


def for_slo(slo: ir.Slo, deployment: ir.Deployment, group: dict[str, Any]) -> str | None:
    """The test file of one SLO (``None`` when its series cannot be synthesised)."""
    try:
        series = _series_maker(scoped_sli(slo, deployment))
    except regex_sample.NoSample:
        return None
    alerts = [r for r in group["rules"] if r.get("alert") == ALERT]
    absent = next(r for r in group["rules"] if r.get("alert") == ABSENT_ALERT)
    budget = error_budget(slo)
    bounds = [_bound(a) for a in alerts]
    tests = []
    for name, ratio in _scenarios(slo, budget):
        firing = [a for a, b in zip(alerts, bounds, strict=True) if ratio is not None and ratio > b]
        tests.append(_test(name, series(ratio), firing, ratio, slo, deployment, budget))
    tests.append(_no_data(slo, scoped_sli(slo, deployment), absent))
    body = {"rule_files": [f"../rules/slo-{slo.name}.yaml"], "evaluation_interval": "1m",
            "tests": tests}
    return dump(body)


def _bound(alert: dict[str, Any]) -> float:
    return float(alert["expr"].rsplit(" > ", 1)[1])


def _scenarios(slo: ir.Slo, budget: float) -> list[tuple[str, float | None]]:
    enabled = [t for t in slo.tiers if t.enabled]
    out: list[tuple[str, float | None]] = []
    if enabled:
        top = max(t.burn_rate for t in enabled)
        out.append((f"fast burn ({number(top * 1.5)}x): every tier fires",
                    min(1.0, top * 1.5 * budget)))
        slow = _slow_burn(enabled)
        if slow is not None and slow * budget < 1:
            out.append((f"slow burn ({number(slow)}x): only ticket tiers fire", slow * budget))
        low = min(t.burn_rate for t in enabled)
        out.append(("healthy: nothing fires", min(low, 1.0) * budget / 2))
    out.append(("no traffic: nothing fires", None))
    return out


def _slow_burn(tiers: list[ir.AlertTier]) -> float | None:
    """2x when that raises some non-critical tier and no critical one, else the midpoint."""
    page = min((t.burn_rate for t in tiers if t.severity == "critical"), default=float("inf"))
    ticket = sorted(t.burn_rate for t in tiers if t.severity != "critical" and t.burn_rate < page)
    if not ticket:
        return None
    if ticket[0] * 1.05 < 2.0 < page / 1.05 and all(abs(2.0 - b) > 0.1 for b in ticket):
        return 2.0
    upper = page if page != float("inf") else ticket[-1] * 3
    return (ticket[-1] + upper) / 2


def _series_maker(sli: ir.Sli) -> Callable[[float | None], list[dict[str, Any]]]:
    """A function from an error ratio (``None``: no traffic) to input series."""
    if sli.type == "latency":
        le = number(sli.threshold or 0.0)
        fast_name = selector(f"{sli.metric}_bucket", {**sli.selector, "le": le})
        count_name = selector(f"{sli.metric}_count", sli.selector)
        return lambda r: [_one(fast_name, 0 if r is None else (1 - r) * PER_MINUTE),
                          _one(count_name, 0 if r is None else PER_MINUTE)]
    if not sli.error_selector:
        raise regex_sample.NoSample("no error selector")
    bad = {k: regex_sample.matching(v) for k, v in sli.error_selector.items()}
    good = {k: regex_sample.not_matching(v) for k, v in sli.error_selector.items()}
    bad_name = selector(sli.metric, {**sli.selector, **bad})
    good_name = selector(sli.metric, {**sli.selector, **good})
    return lambda r: [_one(good_name, 0 if r is None else (1 - r) * PER_MINUTE),
                      _one(bad_name, 0 if r is None else r * PER_MINUTE)]


def _one(name: str, per_minute: float) -> dict[str, Any]:
    return {"series": name, "values": f"0+{number(per_minute)}x{MINUTES}"}


def _test(name: str, series: list[dict[str, Any]], firing: list[dict[str, Any]],
          ratio: float | None,
          slo: ir.Slo, deployment: ir.Deployment, budget: float) -> dict[str, Any]:
    recorded = {"slo": slo.name, "deployment": deployment.name, "namespace": deployment.namespace}
    expected = [{"exp_labels": {**recorded, **_expanded(a["labels"])},
                 "exp_annotations": {k: _annotation(v, ratio) for k, v in a["annotations"].items()}}
                for a in firing]
    test = {"name": f"{slo.name}: {name}", "interval": "1m", "input_series": series,
            "alert_rule_test": [{"eval_time": EVAL_TIME, "alertname": ALERT,
                                 "exp_alerts": expected},
                                {"eval_time": EVAL_TIME, "alertname": ABSENT_ALERT,
                                 "exp_alerts": []}]}
    if ratio is not None and not firing:
        # Rounded in PromQL: promtool compares sample values exactly.
        left = math.floor((1 - ratio / budget) * 1000 + 0.5) / 1000
        test["promql_expr_test"] = [{
            "expr": f"round({selector(BUDGET_REMAINING, {'slo': slo.name})}, 0.001)",
            "eval_time": EVAL_TIME,
            "exp_samples": [{"labels": _labels_text(recorded), "value": left}]}]
    return test


def _no_data(slo: ir.Slo, sli: ir.Sli, absent: dict[str, Any]) -> dict[str, Any]:
    """No series at all (a broken scrape): only SLIDataMissing fires."""
    return {"name": f"{slo.name}: no data: {ABSENT_ALERT} fires", "interval": "1m",
            "input_series": [{"series": 'up{job="elsewhere"}', "values": f"1x{MINUTES}"}],
            "alert_rule_test": [
                {"eval_time": EVAL_TIME, "alertname": ALERT, "exp_alerts": []},
                {"eval_time": EVAL_TIME, "alertname": ABSENT_ALERT, "exp_alerts": [{
                    "exp_labels": _absent_labels(sli, absent),
                    "exp_annotations": {k: _annotation(v, None)
                                        for k, v in absent["annotations"].items()}}]}]}


def _absent_labels(sli: ir.Sli, absent: dict[str, Any]) -> dict[str, str]:
    """absent()'s own labels (the total selector's equality matchers: the SLI selector's)
    under the rule's."""
    return {**sli.selector, **_expanded(absent["labels"])}


def _labels_text(labels: dict[str, str]) -> str:
    return "{" + ",".join(f"{k}={quote(v)}" for k, v in labels.items()) + "}"


def _expanded(labels: dict[str, str]) -> dict[str, str]:
    """Label values as Prometheus shows them after template expansion."""
    return {k: v.replace(_INERT, "{{") for k, v in labels.items()}


def _annotation(text: str, ratio: float | None) -> str:
    # The only template actions are the inert `{{` and the ratio, printed like Go's %.4g.
    shown = f"{(ratio or 0) * 100:.4g}%"
    return text.replace("{{ $value | humanizePercentage }}", shown).replace(_INERT, "{{")
