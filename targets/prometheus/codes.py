"""Codes of the prometheus area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E541", "invalid metric name",
         "The Prometheus target builds queries from an SLI's `metric`, so it must be a "
         "Prometheus metric name: letters, digits, `_` and `:`, not starting with a digit. "
         "A latency SLI names the histogram's base name (without `_bucket`).",
         "e.g. `http_requests_total` or `http_request_duration_seconds`"),
    Code("E542", "invalid label name",
         "Selector, error-selector and routing label names become Prometheus label names: "
         "letters, digits and `_`, not starting with a digit or with `__` (reserved for "
         "Prometheus). A latency SLI may not match on `le`, which picks the bucket.",
         "e.g. `service`, `code`, `team`"),
    Code("W543", "burn-rate tier can never fire",
         "A burn-rate tier fires when the error ratio exceeds burn rate x error budget. When "
         "that bound is 100 % or more, no service can ever reach it, so the tier is dead "
         "weight (typical for low objectives with the default 14.4x page).",
         "lower the tier's `burn_rate`, raise the objective, or set `enabled: false` on "
         "the tier"),
    Code("W544", "monitor has nothing to alert on",
         "The Prometheus target turns a monitor into alert rules over the metrics of "
         "`docs/monitoring.md`; this monitor lacks what a rule needs (features for drift, "
         "`metric` and `threshold` for performance, quality checks or a threshold for data "
         "quality, `freshness.max_age` on the dataset for freshness), so no rule is emitted.",
         "add what the monitor type needs (see docs/monitoring.md) or remove the monitor"),
    Code("W545", "routing label overrides a generated label",
         "Alerts carry labels that mlopsc sets itself (severity, tier, team, receiver, slo, "
         "deployment, namespace, monitor); a routing label of the same name is ignored so "
         "that Alertmanager routes and inhibitions keep working.",
         "use `routing.team` / `routing.receiver`, or another label name"),
    Code("W546", "ticket alerts would page",
         "Page tiers (severity critical) go to the page receiver (`alerting.receivers.page`, "
         "by default `routing.receiver`) and every other tier to `alerting.receivers.ticket`. "
         "When the ticket receiver is the page receiver, tickets wake the on-call like pages "
         "do, which defeats the tiers.",
         "name a ticket queue in `alerting.receivers.ticket`, or leave it out: tickets then "
         "carry no receiver label and Alertmanager routes them by team and severity"),
)
