"""SLO maths shared by the targets: error budgets, the recorded windows, SLI error ratios.

The Prometheus target records these ratios and alerts on them; the Kubernetes target's
canary analysis asks the same ratio of a rollout's new pods. One definition keeps the two
from disagreeing about what an SLO measures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from mlopsc import ir
from mlopsc.render.promql import duration, number, regex_literal, selector

# The windows the SRE workbook's four tiers use: 5m, 30m, 1h, 2h, 6h, 1d, 3d.
STANDARD_WINDOWS = (300, 1800, 3600, 7200, 21600, 86400, 259200)
RATIO = "mlopsc:slo_error_ratio:rate{window}"
ERRORS = "mlopsc:slo_errors:rate5m"
"""Bad events per second over 5m, recorded to build the period's ratio."""
REQUESTS = "mlopsc:slo_requests:rate5m"
"""All events per second over 5m, recorded to build the period's ratio."""
BASE_WINDOW = 300
BUDGET_REMAINING = "mlopsc:slo_error_budget:remaining"
OBJECTIVE = "mlopsc:slo_objective:ratio"
ALERT = "ErrorBudgetBurn"
ABSENT_ALERT = "SLIDataMissing"


def error_budget(slo: ir.Slo) -> float:
    """The allowed error ratio: ``1 - objective``.

    >>> round(error_budget(type("S", (), {"objective": 99.9})()), 6)
    0.001
    """
    return 1 - slo.objective / 100


def windows(slo: ir.Slo) -> list[float]:
    """Every window a ratio is recorded for, shortest first."""
    found = set(STANDARD_WINDOWS) | {slo.period_s}
    for tier in slo.tiers:
        found |= {tier.long_window_s, tier.short_window_s}
    return sorted(found)


def in_namespace(sli: ir.Sli, namespace: str) -> ir.Sli:
    """The SLI narrowed to ``namespace`` (its deployment's: the environment's), unless its
    selector names a namespace itself (series scraped elsewhere, e.g. by an ingress).

    One Prometheus often scrapes staging and production, whose series differ only in their
    ``namespace``: every query of an SLI, a recording rule or a rollout's analysis, reads it
    through this.

    >>> sli = ir.Sli(type="availability", metric="reqs_total", selector={"job": "api"},
    ...              error_selector={"code": "5.."}, threshold=None)
    >>> in_namespace(sli, "staging").selector
    {'namespace': 'staging', 'job': 'api'}
    """
    if "namespace" in sli.selector:
        return sli
    return dataclasses.replace(sli, selector={"namespace": namespace, **sli.selector})


def ratio_expr(sli: ir.Sli, window: float, wrap: Callable[[str], str] | None = None) -> str:
    """The SLI error ratio over ``window``; absent (never NaN) when there is no traffic.

    ``wrap`` rewrites each selector (the Kubernetes target narrows them to a rollout's new
    pods).

    >>> sli = ir.Sli(type="error_ratio", metric="reqs_total", selector={"job": "api"},
    ...              error_selector={"code": "5.."}, threshold=None)
    >>> print(ratio_expr(sli, 300).replace(" / ", "\\n/ "))
    (sum(rate(reqs_total{job="api",code=~"5.."}[5m])) or vector(0))
    / (sum(rate(reqs_total{job="api"}[5m])) > 0)
    """
    events, total = sli_selectors(sli)
    if wrap is not None:
        events, total = wrap(events), wrap(total)
    return ratio_of(sli.type, events, total, duration(window))


def sli_selectors(sli: ir.Sli) -> tuple[str, str]:
    """(bad or good events, all events): built once per SLO, used for every window."""
    if sli.type == "latency":
        equal, regex = _le_matchers(sli.threshold or 0.0)
        return (selector(f"{sli.metric}_bucket", {**sli.selector, **equal}, regex),
                selector(f"{sli.metric}_count", sli.selector))
    total = selector(sli.metric, sli.selector)
    return selector(sli.metric, sli.selector, sli.error_selector), total


def ratio_of(kind: str, events: str, total: str, w: str) -> str:
    if kind == "latency":  # events are the fast ones
        return f"1 - (sum(rate({events}[{w}])) / (sum(rate({total}[{w}])) > 0))"
    # `or vector(0)`: a service that never failed has no error series at all.
    return f"(sum(rate({events}[{w}])) or vector(0)) / (sum(rate({total}[{w}])) > 0)"


def rates_of(kind: str, events: str, total: str, w: str) -> tuple[str, str]:
    """(bad events per second, all events per second) over ``w``: the recordings the
    period's ratio is summed from. Bad events of a latency SLI are all minus the fast ones.
    """
    requests = f"sum(rate({total}[{w}]))"
    if kind == "latency":
        return f"{requests} - sum(rate({events}[{w}]))", requests
    return f"sum(rate({events}[{w}])) or vector(0)", requests


def _le_matchers(threshold: float) -> tuple[dict[str, str], dict[str, str]]:
    """Match the histogram bucket ``le`` bound; whole numbers are written ``1`` by some
    clients and ``1.0`` by others (and by Prometheus 3), so both are matched."""
    if threshold == int(threshold):
        whole = str(int(threshold))
        return {}, {"le": f"{whole}|{regex_literal(whole + '.0')}"}
    return {"le": number(threshold)}, {}
