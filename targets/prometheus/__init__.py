"""The Prometheus target: SLO recording rules, burn-rate alerts, monitor alerts.

``mlopsc.render.promql`` is the public PromQL builder other targets reuse. This module
declares the target; :mod:`.target` emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import Setting, TargetDeclaration
from mlopsc.targets.prometheus.codes import CODES

DECLARATION = TargetDeclaration(
    name="prometheus",
    description="SLO recording rules, burn-rate alerts, drift/quality/freshness alerts",
    emitter="mlopsc.targets.prometheus.target:PrometheusTarget",
    settings={
        "namespace": Setting("namespace of every PrometheusRule",
                             pattern=r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
                             expected="a namespace name (DNS-1123 label)"),
        "unit-tests": Setting("write promtool unit tests under tests/",
                              choices=("true", "false")),
    },
    codes=CODES,
    docs="docs/targets/prometheus.md",
)


def __getattr__(name: str) -> Any:
    """``PrometheusTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "PrometheusTarget":
        from mlopsc.targets.prometheus.target import PrometheusTarget
        return PrometheusTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "PrometheusTarget"]
