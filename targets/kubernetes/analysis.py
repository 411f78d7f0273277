"""Argo Rollouts ``AnalysisTemplate``s: SLO gates and rollback triggers as Prometheus metrics.

Two templates per deployment, each emitted only when it has metrics:

- ``<deployment>-gate``: one metric per SLO of ``rollout.analysis.slos``; a measurement
  succeeds while the SLI's error ratio stays within the SLO's error budget
  (``1 - objective``);
- ``<deployment>-rollback``: one metric per rollback trigger with a *failure* condition
  and ``failureLimit: 0``: the first failed measurement aborts the rollout.

SLI queries are scoped to the deployment's namespace (the environment's, as every SLI
query mlopsc writes: staging and production series differ only there, and identical pod
templates in the two have the same hash) and judge the **new version only**: every selector
gets the matcher
``rollouts_pod_template_hash="{{args.candidate-hash}}"``, the hash of the rollout's newest
ReplicaSet, which the Rollout passes in (``podTemplateHashValue: Latest``) and which the
deployment's ServiceMonitor copies from the pods onto their series. Over the whole service a
5 % canary's errors would be diluted twenty times. Istio's metrics (the fallback without
SLIs) are narrowed by the Service that carries the new version instead.

Queries come from the Prometheus target's public PromQL builder
(:mod:`mlopsc.render.promql`, and its SLI ratio), so spec strings are quoted
PromQL literals. Every query is absent, never NaN, without traffic. A gate's SLI query is
also empty when its window saw fewer requests than :func:`min_requests`, and an empty result
is neither success nor failure: the measurement is *inconclusive* (three of them pause the
rollout). Rollback triggers fail only on a result (``failureLimit`` = the spec's
``failure_limit``). Drift is no rollback trigger (W560): both versions see the same inputs.

Argo Rollouts substitutes arguments in a metric before it runs it: it marshals the whole
metric to JSON and replaces every ``{{ TAG }}`` in that text (``valyala/fasttemplate``
with ``{{``/``}}``; ``TAG`` trimmed of spaces must be ``args.NAME`` of a supplied argument,
else the measurement errors with ``failed to resolve``; a ``{{`` without ``}}`` is a
template error). There is no escape, so no ``{{`` may come from the spec: inside PromQL
string literals (the only place spec text reaches a query) ``{{`` is written
``{\x7b``, which PromQL reads back as ``{{``; and :func:`argo_safe` refuses any other
``{{`` in a metric (E540) before it is written.

>>> gate_success(0.001)
'len(result) > 0 && result[0] <= 0.001'
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from mlopsc import ir
from mlopsc.render.promql import duration, number, selector
from mlopsc.render.slo import error_budget, in_namespace, ratio_expr, sli_selectors
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import canary_service, derived_name

API = "argoproj.io/v1alpha1"
MIN_WINDOW_S = 300.0
DEFAULT_COUNT = 5
"""Measurements of a blue-green pre-promotion analysis (and a shadow verdict) without
``analysis.count``: it must end for the switch to happen."""
DEFAULT_WINDOW_S = 1800.0
"""The blue-green rollback window when the IR has none (the spec's default is ``30m``)."""
ISTIO_REQUESTS = "istio_requests_total"
ISTIO_LATENCY = "istio_request_duration_milliseconds"
HASH_ARG = "candidate-hash"
HASH_LABEL = "rollouts_pod_template_hash"
"""The pods' ``rollouts-pod-template-hash`` label, as the ServiceMonitor's ``podTargetLabels``
write it on their series."""
_NEW_PODS = f'{HASH_LABEL}="{{{{args.{HASH_ARG}}}}}"'
_NEW_PODS_JSON = json.dumps(_NEW_PODS)[1:-1]


INCONCLUSIVE_LIMIT = 3
"""Gate measurements with too few requests (or none) before the analysis is inconclusive
and Argo Rollouts pauses the rollout for a human: never promoted on too little evidence."""
EXPECTED_ERRORS = 10
"""A gate judges a window only when a version exactly at its error budget would be expected
to fail this many requests (``min requests = 10 / budget``). With fewer, the error count is
noise: at 100 requests/s a 5m window of a 99.95 % SLO holds 15 budgeted errors, and a
canary twice as healthy (7.5 expected) still exceeds 15 about 1 % of the time per
measurement, but a 5 % canary sees 1,500 requests (0.75 budgeted errors) and one error fails
it."""


def gate_success(bound: float) -> str:
    """Empty (too few requests, or none): neither success nor failure, so inconclusive."""
    return f"len(result) > 0 && result[0] <= {number(bound)}"


def gate_failure(bound: float) -> str:
    return f"len(result) > 0 && result[0] > {number(bound)}"


def min_requests(budget: float) -> int:
    """Requests a window needs before an SLI ratio is judged.

    >>> min_requests(0.0005), min_requests(0.01)
    (20000, 1000)
    """
    # Rounded first: 1 - 0.999 is 0.0010000000000000009 in binary floating point.
    return math.ceil(round(EXPECTED_ERRORS / budget, 6)) if budget > 0 else 0


def with_min_requests(sli: ir.Sli, window_s: float, budget: float) -> str:
    """The SLI error ratio over the new pods, empty unless the window saw enough requests."""
    total = new_pods(sli_selectors(sli)[1])
    return (f"{ratio_expr(sli, window_s, new_pods)} and on() "
            f"(sum(increase({total}[{duration(window_s)}])) >= {min_requests(budget)})")


def scoped(ctx: Ctx, sli: ir.Sli) -> ir.Sli:
    """The SLI narrowed to the deployment's namespace (:func:`in_namespace`)."""
    return in_namespace(sli, ctx.d.namespace)


def rollback_failure(bound: float) -> str:
    return f"len(result) > 0 && result[0] > {number(bound)}"


def argo_inert(query: str) -> str:
    """Argo substitutes ``{{args.x}}`` in queries; generated PromQL holds ``{{`` only inside
    string literals, where ``\\x7b`` (``{``) keeps a spec string from reading as one.

    >>> argo_inert('up{job="{{args.x}}"}')
    'up{job="{\\\\x7bargs.x}}"}'
    """
    return query.replace("{{", "{\\x7b")


def new_pods(sel: str) -> str:
    """A selector built from spec strings, made inert for Argo, then narrowed to the new pods.

    >>> new_pods('up{job="{{x}}"}')
    'up{job="{\\\\x7bx}}",rollouts_pod_template_hash="{{args.candidate-hash}}"}'
    >>> new_pods("up")
    'up{rollouts_pod_template_hash="{{args.candidate-hash}}"}'
    """
    sel = argo_inert(sel)
    return f"{sel[:-1]},{_NEW_PODS}}}" if sel.endswith("}") else f"{sel}{{{_NEW_PODS}}}"


def args() -> list[dict[str, Any]]:
    """What a Rollout passes to these templates: the newest ReplicaSet's pod-template hash."""
    return [{"name": HASH_ARG, "valueFrom": {"podTemplateHashValue": "Latest"}}]


def gate_name(d: ir.Deployment) -> str:
    return derived_name(d.name, "gate")


def rollback_name(d: ir.Deployment) -> str:
    return derived_name(d.name, "rollback")


def watch_count(window_s: float, interval_s: float) -> int:
    """Measurements that keep a post-promotion analysis running for ``window_s``.

    Argo Rollouts takes a metric's first measurement when the run starts and one per
    ``interval`` after it, and the run ends with the ``count``-th: ``n`` measurements span
    ``n - 1`` intervals. So the last one is taken at the window's end (or the first interval
    after it), and an abort is possible all through the window.

    >>> watch_count(1800, 60), watch_count(1800, 120), watch_count(1800, 420)
    (31, 16, 6)
    >>> watch_count(60, 300)  # a window shorter than the interval still measures after it
    2
    """
    # Rounded first: 0.3 / 0.1 is 2.9999999999999996 in binary floating point.
    return math.ceil(round(window_s / interval_s, 6)) + 1


def _watch(ctx: Ctx) -> int:
    """The blue-green rollback window as a measurement count (:func:`watch_count`)."""
    analysis, rollout = ctx.d.rollout.analysis, ctx.d.rollout
    return watch_count(rollout.rollback_window_s or DEFAULT_WINDOW_S,
                       analysis.interval_s if analysis else 60.0)


def templates(ctx: Ctx, counted: bool) -> list[dict[str, Any]]:
    """The gate and rollback templates of the deployment.

    ``counted`` (blue-green): every metric gets a ``count``. The gate runs before the switch
    and must end for it to happen (``analysis.count``, else 5); the rollback triggers run
    after it, for the rollback window (:func:`watch_count`). A canary's analysis runs in the
    background until the last step (``analysis.count`` when set).
    """
    analysis = ctx.d.rollout.analysis
    count = (analysis.count if analysis else None) or (DEFAULT_COUNT if counted else None)
    out = []
    gate = [_gate_metric(ctx, ctx.ir.get(slo_id, ir.Slo), count) for slo_id in
            (analysis.slos if analysis else ())]
    if gate:
        out.append(_template(ctx, gate_name(ctx.d), gate))
    watch = _watch(ctx) if counted else count
    rollback = [m for i, t in enumerate(ctx.d.rollout.rollback)
                if (m := _rollback_metric(ctx, i, t, watch))]
    if rollback:
        out.append(_template(ctx, rollback_name(ctx.d), rollback))
    return out


def argo_safe(metric: dict[str, Any]) -> bool:
    """Whether the only ``{{`` in the metric (as Argo Rollouts sees it, all fields) is
    mlopsc's own new-pods argument.

    >>> argo_safe({"name": "a", "query": new_pods('up{job="{{x}}"}')})
    True
    >>> argo_safe({"name": "slo-{{args.x}}", "query": "up"})
    False
    """
    return "{{" not in json.dumps(metric, ensure_ascii=False).replace(_NEW_PODS_JSON, "")


def _template(ctx: Ctx, name: str, metrics: list[dict[str, Any]]) -> dict[str, Any]:
    for metric in metrics:
        if not argo_safe(metric):
            ctx.bag.add("E540", f"analysis metric {metric['name']!r} of deployment "
                        f"'{ctx.d.name}' holds '{{{{', which Argo Rollouts would substitute",
                        path=ctx.where("rollout"))
    spec: dict[str, Any] = {"metrics": metrics}
    if any(_NEW_PODS in m["provider"]["prometheus"]["query"] for m in metrics):
        spec["args"] = [{"name": HASH_ARG}]
    return ctx.obj(API, "AnalysisTemplate", name, spec)


template = _template
"""An AnalysisTemplate of ``metrics`` (E540 for a metric Argo would substitute)."""


def _window_s(ctx: Ctx) -> float:
    analysis = ctx.d.rollout.analysis
    return max(analysis.interval_s if analysis else 0.0, MIN_WINDOW_S)


def _metric(ctx: Ctx, name: str, query: str, condition: dict[str, Any],
            count: int | None) -> dict[str, Any]:
    """``query`` is final: spec strings in it were made inert by :func:`new_pods` or
    :func:`argo_inert`."""
    analysis = ctx.d.rollout.analysis
    metric = {"interval": duration(analysis.interval_s if analysis else 60.0), "name": name,
              "provider": {"prometheus": {"address": ctx.settings.prometheus_address,
                                          "query": query}},
              **condition}
    if count is not None:
        metric["count"] = count
    return metric


metric = _metric
"""One analysis metric on the Prometheus that analyses query."""


def _gate_metric(ctx: Ctx, slo: ir.Slo, count: int | None) -> dict[str, Any]:
    analysis = ctx.d.rollout.analysis
    budget = error_budget(slo)
    condition = {"failureCondition": gate_failure(budget),
                 "failureLimit": analysis.failure_limit if analysis else 1,
                 "inconclusiveLimit": INCONCLUSIVE_LIMIT,
                 "successCondition": gate_success(budget)}
    query = with_min_requests(scoped(ctx, slo.sli), _window_s(ctx), budget)
    return _metric(ctx, f"slo-{slo.name}", query, condition, count)


def _rollback_metric(ctx: Ctx, index: int, trigger: ir.RollbackTrigger,
                     count: int | None) -> dict[str, Any] | None:
    window = _window_s(ctx)
    if trigger.type == "slo_breach":
        assert trigger.slo is not None  # a slo_breach trigger names its SLO (E3xx otherwise)
        slo = ctx.ir.get(trigger.slo, ir.Slo)
        name, bound = f"slo-breach-{slo.name}", error_budget(slo)
        query = with_min_requests(scoped(ctx, slo.sli), window, bound)
    elif trigger.type == "error_rate":
        name, query = "error-rate", error_rate_query(ctx, window)
        bound = trigger.threshold or 0.0
    elif trigger.type == "latency":
        name, query = "latency-p99", latency_query(ctx, window)
        bound = trigger.threshold or 0.0
    else:  # drift: the same inputs reach both versions, so it cannot judge the new one
        assert trigger.monitor is not None  # a drift trigger names its monitor
        monitor = ctx.ir.get(trigger.monitor, ir.Monitor)
        if not monitor.features:
            ctx.bag.add("W535", f"rollback on drift of monitor '{monitor.name}': the monitor "
                        "lists no features, so there is nothing to measure",
                        path=ctx.where("rollout", "rollback", index, "monitor"))
            return None
        ctx.bag.add("W560", f"rollback on drift of monitor '{monitor.name}': drift is a "
                    "property of the input traffic, the same for the stable and the new "
                    "pods, so it is not a canary abort signal; the trigger is left out",
                    path=ctx.where("rollout", "rollback", index))
        return None
    analysis = ctx.d.rollout.analysis
    condition = {"failureCondition": rollback_failure(bound),
                 "failureLimit": analysis.failure_limit if analysis else 0}
    return _metric(ctx, f"rollback-{index}-{name}", query, condition, count)


def _istio_subject(ctx: Ctx) -> dict[str, str]:
    """Requests to the Service that carries the new version (the canary Service; for
    blue-green, the active one once promoted), as the calling proxies report them: the
    route's destination is what the source side sees."""
    d = ctx.d
    service = canary_service(d) if d.rollout.strategy == "canary" else d.name
    return {"destination_service_name": service, "destination_service_namespace": d.namespace,
            "reporter": "source"}


def error_rate_query(ctx: Ctx, window_s: float) -> str:
    """The first availability/error-ratio SLI of the deployment over the new pods, else
    Istio's 5xx ratio of the new version's Service."""
    for slo in ctx.slos():
        if slo.sli.type != "latency":
            return ratio_expr(scoped(ctx, slo.sli), window_s, new_pods)
    w = duration(window_s)
    total = argo_inert(selector(ISTIO_REQUESTS, _istio_subject(ctx)))
    bad = argo_inert(selector(ISTIO_REQUESTS, _istio_subject(ctx), {"response_code": "5.."}))
    return f"(sum(rate({bad}[{w}])) or vector(0)) / (sum(rate({total}[{w}])) > 0)"


def latency_query(ctx: Ctx, window_s: float) -> str:
    """p99 in seconds from the deployment's latency SLI histogram over the new pods, else
    Istio's (in ms) for the new version's Service."""
    scope: Callable[[str], str]
    scope, metric, labels, scale = argo_inert, ISTIO_LATENCY, _istio_subject(ctx), " / 1000"
    for slo in ctx.slos():
        if slo.sli.type == "latency":
            sli = scoped(ctx, slo.sli)
            scope, metric, labels, scale = new_pods, sli.metric, sli.selector, ""
            break
    w = duration(window_s)
    buckets = scope(selector(f"{metric}_bucket", labels))
    count = scope(selector(f"{metric}_count", labels))
    # `and on()`: without requests the quantile is NaN; this makes the result empty instead.
    return (f"histogram_quantile(0.99, sum by (le) (rate({buckets}[{w}]))){scale} "
            f"and on() (sum(rate({count}[{w}])) > 0)")
