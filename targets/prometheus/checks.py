"""What the Prometheus target refuses or warns about, as diagnostics on the user's lines."""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.render.promql import is_label_name, is_metric_name, number
from mlopsc.source import entity_path
from mlopsc.targets.prometheus.slo_rules import error_budget

# Labels the generated alerts set themselves; a routing label may not replace them.
RESERVED_LABELS = frozenset({"alertname", "severity", "tier", "slo", "deployment", "namespace",
                             "monitor", "team", "receiver", "le"})


def slo_names_ok(slo: ir.Slo, bag: Diagnostics) -> bool:
    """Metric and label names of an SLI; False (and E541/E542) when one is invalid."""
    base = entity_path(slo.path) + ("sli",)
    ok = True
    if not is_metric_name(slo.sli.metric):
        bag.add("E541", f"SLO '{slo.name}': {slo.sli.metric!r} is not a valid metric name",
                path=base + ("metric",))
        ok = False
    for field in ("selector", "error_selector"):
        for name in getattr(slo.sli, field):
            if not is_label_name(name) or (slo.sli.type == "latency" and name == "le"):
                bag.add("E542", f"SLO '{slo.name}': {name!r} is not a label name this SLI "
                                "may match on", path=base + (field, name), key=True)
                ok = False
    return ok


def unreachable_tiers(slo: ir.Slo, bag: Diagnostics) -> None:
    """W543 for an enabled tier whose bound is an error ratio of 100 % or more."""
    budget = error_budget(slo)
    for index, tier in enumerate(slo.tiers):
        if tier.enabled and tier.burn_rate * budget >= 1:
            bag.add("W543", f"SLO '{slo.name}': tier '{tier.name}' fires only above an error "
                            f"ratio of {number(tier.burn_rate * budget * 100)}%, which no "
                            "service can reach", path=_tier_path(slo, index),
                    hint=f"lower the burn rate below {number(1 / budget)} or raise the "
                         "objective")


def ticket_receiver(slo: ir.Slo, bag: Diagnostics) -> None:
    """W546 when ticket alerts would go to the page receiver."""
    if slo.ticket_receiver and slo.ticket_receiver == slo.page_receiver:
        bag.add("W546", f"SLO '{slo.name}': ticket alerts go to the page receiver "
                        f"{slo.ticket_receiver!r}, so tickets page",
                path=entity_path(slo.path) + ("alerting", "receivers", "ticket"))


def _tier_path(slo: ir.Slo, index: int) -> tuple[Any, ...]:
    # Default tiers have no line of their own; custom ones do (the spec keeps their order).
    base = entity_path(slo.path) + ("alerting",)
    custom = [t.name for t in slo.tiers] != ["page-fast", "page-slow", "ticket-fast", "ticket-slow"]
    return base + ("tiers", index) if custom else base


def routing_labels(routing: ir.Routing | None, owner: str | None, where: tuple[Any, ...],
                   bag: Diagnostics) -> dict[str, str]:
    """Alert labels for Alertmanager: team (the routing team, else the owner), receiver and
    the extra routing labels, as plain text (the rule builders make every value inert for
    Prometheus' label templating).
    ``where`` is the spec path of the routing block, for diagnostics."""
    labels: dict[str, str] = {}
    team = routing.team if routing and routing.team else owner
    if team:
        labels["team"] = team
    if routing and routing.receiver:
        labels["receiver"] = routing.receiver
    for name, value in sorted((routing.labels if routing else {}).items()):
        at = (*where, "labels", name)
        if not is_label_name(name):
            bag.add("E542", f"{name!r} is not a valid Prometheus label name", path=at, key=True)
        elif name in RESERVED_LABELS:
            bag.add("W545", f"routing label {name!r} is set by mlopsc; the spec's value is "
                            "ignored", path=at, key=True)
        else:
            labels[name] = value
    return labels
