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

from mlopsc import ir
from mlopsc.render.promql import duration, number, selector, template_literal, template_literals
from mlopsc.render.slo import (
    ALERT,
    BUDGET_REMAINING,
    OBJECTIVE,
    RATIO,
    STANDARD_WINDOWS,
    error_budget,
    ratio_expr,
    ratio_of,
    sli_selectors,
    windows,
)


def series_labels(slo: ir.Slo, deployment: ir.Deployment) -> dict[str, str]:
    """The labels every recorded series of this SLO carries (and its alerts match on)."""
    return {"slo": slo.name, "deployment": deployment.name, "namespace": deployment.namespace}


def recording_rules(slo: ir.Slo, deployment: ir.Deployment) -> list[dict]:
    labels = series_labels(slo, deployment)
    events, total = sli_selectors(slo.sli)
    rules = [{"record": RATIO.format(window=duration(w)),
              "expr": ratio_of(slo.sli.type, events, total, duration(w)), "labels": labels}
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
