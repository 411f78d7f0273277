"""SLO rules: SLI error ratios per window, the error budget left, and burn-rate alerts.

For each SLO one rule group: a recording rule ``mlopsc:slo_error_ratio:rate<window>`` per
window (the seven the default tiers need, every custom tier's windows and the SLO period),
``mlopsc:slo_error_budget:remaining`` and ``mlopsc:slo_objective:ratio``, then one
``ErrorBudgetBurn`` alert per enabled tier (multi-window, multi-burn-rate: both the long
and the short window must burn faster than the tier's rate).

Divisions are guarded (``sum(rate(total)) > 0``), so with no traffic the ratios are absent
rather than NaN and no alert fires.
"""

from __future__ import annotations

from collections.abc import Callable

from mlopsc import ir
from mlopsc.targets.prometheus.promql import (
    duration,
    number,
    regex_literal,
    selector,
    template_literal,
    template_literals,
)

# The windows the SRE workbook's four tiers use: 5m, 30m, 1h, 2h, 6h, 1d, 3d.
STANDARD_WINDOWS = (300, 1800, 3600, 7200, 21600, 86400, 259200)
RATIO = "mlopsc:slo_error_ratio:rate{window}"
BUDGET_REMAINING = "mlopsc:slo_error_budget:remaining"
OBJECTIVE = "mlopsc:slo_objective:ratio"
ALERT = "ErrorBudgetBurn"


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
    events, total = _selectors(sli)
    if wrap is not None:
        events, total = wrap(events), wrap(total)
    return _ratio(sli.type, events, total, duration(window))


def _selectors(sli: ir.Sli) -> tuple[str, str]:
    """(bad or good events, all events): built once per SLO, used for every window."""
    if sli.type == "latency":
        equal, regex = _le_matchers(sli.threshold or 0.0)
        return (selector(f"{sli.metric}_bucket", {**sli.selector, **equal}, regex),
                selector(f"{sli.metric}_count", sli.selector))
    total = selector(sli.metric, sli.selector)
    return selector(sli.metric, sli.selector, sli.error_selector), total


def _ratio(kind: str, events: str, total: str, w: str) -> str:
    if kind == "latency":  # events are the fast ones
        return f"1 - (sum(rate({events}[{w}])) / (sum(rate({total}[{w}])) > 0))"
    # `or vector(0)`: a service that never failed has no error series at all.
    return f"(sum(rate({events}[{w}])) or vector(0)) / (sum(rate({total}[{w}])) > 0)"


def _le_matchers(threshold: float) -> tuple[dict[str, str], dict[str, str]]:
    """Match the histogram bucket ``le`` bound; whole numbers are written ``1`` by some
    clients and ``1.0`` by others (and by Prometheus 3), so both are matched."""
    if threshold == int(threshold):
        whole = str(int(threshold))
        return {}, {"le": f"{whole}|{regex_literal(whole + '.0')}"}
    return {"le": number(threshold)}, {}


def series_labels(slo: ir.Slo, deployment: ir.Deployment) -> dict[str, str]:
    """The labels every recorded series of this SLO carries (and its alerts match on)."""
    return {"slo": slo.name, "deployment": deployment.name, "namespace": deployment.namespace}


def recording_rules(slo: ir.Slo, deployment: ir.Deployment) -> list[dict]:
    labels = series_labels(slo, deployment)
    events, total = _selectors(slo.sli)
    rules = [{"record": RATIO.format(window=duration(w)),
              "expr": _ratio(slo.sli.type, events, total, duration(w)), "labels": labels}
             for w in windows(slo)]
    budget = number(error_budget(slo))
    period_ratio = selector(RATIO.format(window=duration(slo.period_s)), labels)
    rules.append({"record": BUDGET_REMAINING, "expr": f"1 - {period_ratio} / {budget}",
                  "labels": labels})
    rules.append({"record": OBJECTIVE, "expr": f"vector({number(slo.objective / 100)})",
                  "labels": labels})
    return rules


def alert_rules(slo: ir.Slo, deployment: ir.Deployment, routing: dict[str, str],
                annotations: dict[str, str]) -> list[dict]:
    """One alert per enabled tier; ``routing`` labels (team, receiver, ...) are added.

    ``routing`` and ``annotations`` hold plain text: every label and annotation value is
    made inert for Prometheus' Go templating here, once (the tier name too).
    """
    labels = series_labels(slo, deployment)
    budget = error_budget(slo)
    rules = []
    for tier in slo.tiers:
        if not tier.enabled:
            continue
        bound = number(tier.burn_rate * budget)
        long_ = selector(RATIO.format(window=duration(tier.long_window_s)), labels)
        short = selector(RATIO.format(window=duration(tier.short_window_s)), labels)
        rules.append({
            "alert": ALERT,
            "expr": f"{long_} > {bound} and {short} > {bound}",
            "labels": template_literals({**routing, "severity": tier.severity,
                                         "tier": tier.name}),
            "annotations": {
                **template_literals(annotations),
                "summary": template_literal(
                    f"SLO {slo.name} of {deployment.name} burns its error budget "
                            f"{number(tier.burn_rate)}x too fast ({tier.name})"),
                # Numbers and durations only, around the one intended template action.
                "description": (
                    f"Error ratio over {duration(tier.long_window_s)} is "
                    "{{ $value | humanizePercentage }} (also above the bound over "
                    f"{duration(tier.short_window_s)}); the objective {number(slo.objective)}% "
                    f"over {duration(slo.period_s)} allows {number(budget * 100)}%."),
            },
        })
    return rules


def group(slo: ir.Slo, deployment: ir.Deployment, routing: dict[str, str],
          annotations: dict[str, str]) -> dict:
    """The rule group of one SLO: recordings first, so alerts read fresh ratios."""
    return {"name": f"mlopsc-slo-{slo.name}",
            "rules": [*recording_rules(slo, deployment),
                      *alert_rules(slo, deployment, routing, annotations)]}


__all__ = ["ALERT", "BUDGET_REMAINING", "OBJECTIVE", "RATIO", "STANDARD_WINDOWS", "alert_rules",
           "error_budget", "group", "ratio_expr", "recording_rules", "series_labels",
           "windows"]
