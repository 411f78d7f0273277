"""The Prometheus target: SLO recording rules, burn-rate alerts, monitor alerts.

``mlopsc.render.promql`` is the public PromQL builder other targets reuse. This module
declares the target; :mod:`.target` emits.
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import ApplyStep, HowToApply, Setting, TargetDeclaration
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
    apply=HowToApply(
        "Prometheus rules: SLO recording rules, multi-window burn-rate alerts, drift, "
        "data-quality and freshness alerts. rules/ holds plain rule files for prometheus.yml's "
        "rule_files; operator/ the same rules as PrometheusRule objects for the Prometheus "
        "Operator (use one of the two); tests/ promtool unit tests. Apply before kubernetes/: "
        "rollout analysis queries these recording rules.",
        20,
        (ApplyStep("promtool", "promtool check rules {path}", each="rules/*.yaml",
                   purpose="check each rule file"),
         ApplyStep("promtool", "promtool test rules {path}", each="tests/*.test.yaml",
                   purpose="run each unit test of the rules"),
         ApplyStep("cp", "cp {path} /etc/prometheus/rules/", each="rules/*.yaml",
                   purpose="install each rule file where rule_files: "
                           "[/etc/prometheus/rules/*.yaml] reads it, then reload Prometheus "
                           "(SIGHUP, or POST /-/reload with --web.enable-lifecycle)",
                   when="plain Prometheus"),
         ApplyStep("kubectl", "kubectl apply -k {dir}", each="operator/kustomization.yaml",
                   purpose="apply the PrometheusRule objects", when="Prometheus Operator"))),
)


def __getattr__(name: str) -> Any:
    """``PrometheusTarget``, imported on first use: reading the declaration stays cheap."""
    if name == "PrometheusTarget":
        from mlopsc.targets.prometheus.target import PrometheusTarget
        return PrometheusTarget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", "PrometheusTarget"]
