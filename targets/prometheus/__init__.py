"""The Prometheus target: SLO recording rules, burn-rate alerts, monitor alerts.

``mlopsc.render.promql`` is the public PromQL builder other targets reuse.
"""

from mlopsc.targets.prometheus.target import PrometheusTarget

__all__ = ["PrometheusTarget"]
