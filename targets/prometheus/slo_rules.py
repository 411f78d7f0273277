"""SLO rules: SLI error ratios per window, the error budget left, burn-rate and no-data alerts.

For each SLO one rule group:

- ``mlopsc:slo_errors:rate5m`` and ``mlopsc:slo_requests:rate5m``: bad and all events per
  second over 5 minutes;
- ``mlopsc:slo_error_ratio:rate<window>`` per window (the seven the default tiers need and
  every custom tier's windows, each a ratio of raw rates), and for the SLO period the ratio
  of the two 5m recordings summed over the period (like Sloth and Pyrra, so no query reads
  30 days of raw samples);
- ``mlopsc:slo_error_budget:remaining`` and ``mlopsc:slo_objective:ratio``;
- one ``ErrorBudgetBurn`` alert per enabled tier (multi-window, multi-burn-rate: both the
  long and the short window must burn faster than the tier's rate), routed to the page or
  the ticket receiver by its severity;
- ``SLIDataMissing``: the SLI's request series are gone (a broken scrape is not silent).

Every SLI selector is narrowed to the deployment's namespace, so one Prometheus that
scrapes staging and production keeps each environment's SLO on its own series. Divisions
are guarded (``... > 0``), so with no traffic the ratios are absent rather than NaN and no
burn alert fires.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.render.promql import duration, number, selector, template_literal, template_literals
from mlopsc.render.slo import (
    ABSENT_ALERT,
    ALERT,
    BASE_WINDOW,
    BUDGET_REMAINING,
    ERRORS,
    OBJECTIVE,
    RATIO,
    REQUESTS,
    STANDARD_WINDOWS,
    error_budget,
    in_namespace,
    rates_of,
    ratio_expr,
    ratio_of,
    sli_selectors,
    windows,
)

ABSENT_FOR = "10m"
"""How long the SLI's series must be missing before SLIDataMissing fires: longer than a
pod's restart or a rescheduled scrape target, short against the fast page's hour."""


def series_labels(slo: ir.Slo, deployment: ir.Deployment) -> dict[str, str]:
    """The labels every recorded series of this SLO carries (and its alerts match on)."""
    return {"slo": slo.name, "deployment": deployment.name, "namespace": deployment.namespace}


def scoped_sli(slo: ir.Slo, deployment: ir.Deployment) -> ir.Sli:
    """The SLI narrowed to the deployment's namespace (the environment's), unless its
    selector names a namespace itself (series scraped elsewhere, e.g. by an ingress)."""
    return in_namespace(slo.sli, deployment.namespace)


def recording_rules(slo: ir.Slo, deployment: ir.Deployment) -> list[dict[str, Any]]:
    labels = series_labels(slo, deployment)
    sli = scoped_sli(slo, deployment)
    events, total = sli_selectors(sli)
    base = duration(BASE_WINDOW)
    bad, all_ = rates_of(sli.type, events, total, base)
    rules = [{"record": ERRORS, "expr": bad, "labels": labels},
             {"record": REQUESTS, "expr": all_, "labels": labels}]
    for w in windows(slo):
        expr = (period_ratio(slo, labels) if w == slo.period_s and w > BASE_WINDOW
                else ratio_of(sli.type, events, total, duration(w)))
        rules.append({"record": RATIO.format(window=duration(w)), "expr": expr,
                      "labels": labels})
    budget = number(error_budget(slo))
    ratio = selector(RATIO.format(window=duration(slo.period_s)), labels)
    rules.append({"record": BUDGET_REMAINING, "expr": f"1 - {ratio} / {budget}",
                  "labels": labels})
    rules.append({"record": OBJECTIVE, "expr": f"vector({number(slo.objective / 100)})",
                  "labels": labels})
    return rules


def period_ratio(slo: ir.Slo, labels: dict[str, str]) -> str:
    """Bad over all events across the period, from the 5m rate recordings.

    Each evaluation records r_bad(t) and r_all(t), the per-second rates over the 5 minutes
    before t. Summed over the period, each sum is (events in the period) / step, the same
    step for both, so their quotient is the period's error ratio weighted by traffic (a
    busy hour counts more than a quiet one, as in a raw ``rate[30d]``).
    """
    w = duration(slo.period_s)
    bad = f"sum_over_time({selector(ERRORS, labels)}[{w}])"
    all_ = f"sum_over_time({selector(REQUESTS, labels)}[{w}])"
    return f"{bad} / ({all_} > 0)"


def tier_receiver(tier: ir.AlertTier, slo: ir.Slo) -> str | None:
    """Critical tiers page; every other tier opens a ticket and never reaches the pager."""
    return slo.page_receiver if tier.severity == "critical" else slo.ticket_receiver


def _routed(routing: dict[str, str], receiver: str | None, **labels: str) -> dict[str, str]:
    out = {k: v for k, v in routing.items() if k != "receiver"}
    if receiver:
        out["receiver"] = receiver
    return template_literals({**out, **labels})


def alert_rules(slo: ir.Slo, deployment: ir.Deployment, routing: dict[str, str],
                annotations: dict[str, str]) -> list[dict[str, Any]]:
    """One alert per enabled tier; ``routing`` labels (team, ...) are added, and the tier's
    receiver (``routing``'s own ``receiver`` is ignored: receivers are per tier).

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
            "labels": _routed(routing, tier_receiver(tier, slo), severity=tier.severity,
                              tier=tier.name),
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


def absent_rule(slo: ir.Slo, deployment: ir.Deployment, routing: dict[str, str],
                annotations: dict[str, str]) -> dict[str, Any]:
    """SLIDataMissing: no request series of the SLI at all, for ``ABSENT_FOR``.

    Zero traffic keeps the counters (flat), so it does not fire; a broken scrape, a renamed
    metric or a relabeling that lost the namespace does. It pages when the SLO pages (its
    burn alerts are blind meanwhile), else it opens a ticket.
    """
    _, total = sli_selectors(scoped_sli(slo, deployment))
    pages = any(t.enabled and t.severity == "critical" for t in slo.tiers)
    severity, receiver = ("critical", slo.page_receiver) if pages else (
        "warning", slo.ticket_receiver)
    return {
        "alert": ABSENT_ALERT,
        "expr": f"absent({total})",
        "for": ABSENT_FOR,
        # The recorded series' labels, so inhibitions `equal: [slo, namespace]` apply.
        "labels": _routed(routing, receiver, **series_labels(slo, deployment),
                          severity=severity, tier="no-data"),
        "annotations": {
            **template_literals(annotations),
            "summary": template_literal(
                f"SLO {slo.name} of {deployment.name} has no data: its SLI series are "
                "missing"),
            "description": template_literal(
                f"No series match {total} for {ABSENT_FOR}: the scrape, the metric name or "
                "its labels changed, so the burn-rate alerts of this SLO cannot fire."),
        },
    }


def group(slo: ir.Slo, deployment: ir.Deployment, routing: dict[str, str],
          annotations: dict[str, str]) -> dict[str, Any]:
    """The rule group of one SLO: recordings first, so alerts read fresh ratios."""
    return {"name": f"mlopsc-slo-{slo.name}",
            "rules": [*recording_rules(slo, deployment),
                      *alert_rules(slo, deployment, routing, annotations),
                      absent_rule(slo, deployment, routing, annotations)]}


__all__ = ["ABSENT_ALERT", "ALERT", "BUDGET_REMAINING", "OBJECTIVE", "RATIO",
           "STANDARD_WINDOWS", "absent_rule", "alert_rules", "error_budget", "group",
           "period_ratio", "ratio_expr", "recording_rules", "scoped_sli", "series_labels",
           "tier_receiver", "windows"]
