"""Monitor rules: drift, performance, concept drift, data quality and freshness alerts.

The metrics are the contract of ``docs/monitoring.md``: a monitoring job computes the
scores and exports gauges; these rules compare them with the spec's thresholds. Each
function returns alerting rules (plain dicts) for one monitor, or an empty list with a
reason when the monitor gives nothing to compare (the caller reports it).
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.render.metrics import DRIFT, LAST_UPDATE, MODEL_METRIC, QUALITY, ROWS
from mlopsc.render.promql import (
    duration,
    number,
    selector,
    template_literals,
)


class Nothing(Exception):
    """The monitor has nothing to alert on; the message says why."""


def _alert(name: str, expr: str, for_s: float, labels: dict[str, Any], annotations: dict[str, Any],
           summary: str) -> dict[str, Any]:
    """One alerting rule; labels, annotations and summary are plain text, made inert for
    Prometheus' Go templating here, once."""
    rule: dict[str, Any] = {"alert": name, "expr": expr}
    if for_s > 0:
        rule["for"] = duration(for_s)
    rule["labels"] = template_literals(labels)
    rule["annotations"] = template_literals({**annotations, "summary": summary})
    return rule


def _subject(monitor: ir.Monitor, ir_: ir.IR) -> dict[str, str]:
    """Whom the monitoring job measured: the deployment, else the dataset."""
    if monitor.deployment:
        return {"deployment": ir_.get(monitor.deployment).name}
    if monitor.dataset:
        return {"dataset": ir_.get(monitor.dataset).name}
    raise Nothing("it names neither a deployment nor a dataset")


def drift(monitor: ir.Monitor, ir_: ir.IR, labels: dict[str, Any],
          annotations: dict[str, Any]) -> list[dict[str, Any]]:
    """One alert per feature: its drift score over the window above its threshold."""
    if not monitor.features:
        raise Nothing("it lists no features")
    subject, window = _subject(monitor, ir_), duration(monitor.window_s)
    rules = []
    for f in monitor.features:
        score = selector(DRIFT, {**subject, "feature": f.name, "method": f.method or "psi",
                                 "window": window})
        # The feature label keeps the rules of one monitor distinct (promtool lints duplicates).
        rules.append(_alert(
            "FeatureDrift", f"{score} > {number(f.threshold or 0.0)}", monitor.for_s,
            {**labels, "feature": f.name},
            annotations, f"Feature {f.name} drifted ({f.method} over {window} above "
                         f"{number(f.threshold or 0.0)}), monitor {monitor.name}"))
    return rules


def model_metric(monitor: ir.Monitor, ir_: ir.IR, labels: dict[str, Any],
                 annotations: dict[str, Any]) -> list[dict[str, Any]]:
    """Performance and concept drift: the live model metric past its bound.

    The bound is breached below the threshold, or above it when the model's metric table
    says lower is better (e.g. a log loss).
    """
    if not monitor.deployment:
        raise Nothing("it names no deployment")
    if not monitor.metric or monitor.threshold is None:
        raise Nothing("it needs both `metric` and `threshold`")
    higher_is_better = True
    if monitor.model:
        for m in ir_.get(monitor.model, ir.Model).metrics:
            if m.name == monitor.metric:
                higher_is_better = m.higher_is_better
    window = duration(monitor.window_s)
    value = selector(MODEL_METRIC, {**_subject(monitor, ir_), "metric": monitor.metric,
                                    "window": window})
    op, word = ("<", "below") if higher_is_better else (">", "above")
    name = "ConceptDrift" if monitor.type == "concept_drift" else "ModelPerformanceDegraded"
    return [_alert(name, f"{value} {op} {number(monitor.threshold)}", monitor.for_s, labels,
                   annotations, f"Model metric {monitor.metric} over {window} is {word} "
                                f"{number(monitor.threshold)}, monitor {monitor.name}")]


def data_quality(monitor: ir.Monitor, dataset: ir.Dataset, labels: dict[str, Any],
                 annotations: dict[str, Any]) -> list[dict[str, Any]]:
    """Each quality check's failure ratio, and the row count against the contract's bounds."""
    window = duration(monitor.window_s)
    where = {"dataset": dataset.name, "window": window}
    rules = []
    for check in dataset.quality:
        bound = monitor.threshold if monitor.threshold is not None else check.max_failure_ratio
        ratio = selector(QUALITY, {**where, "check": check.name})
        rules.append(_alert("DataQualityCheckFailing", f"{ratio} > {number(bound)}",
                            monitor.for_s, {**labels, "check": check.name},
                            annotations,
                            f"Check {check.name} of dataset {dataset.name} fails on more than "
                            f"{number(bound * 100)}% of rows over {window}"))
    if not dataset.quality and monitor.threshold is not None:
        ratio = selector(QUALITY, where)
        rules.append(_alert("DataQualityCheckFailing", f"{ratio} > {number(monitor.threshold)}",
                            monitor.for_s, labels, annotations,
                            f"A check of dataset {dataset.name} fails on more than "
                            f"{number(monitor.threshold * 100)}% of rows over {window}"))
    rows = selector(ROWS, where)
    bounds = [f"{rows} < {dataset.min_rows}"] if dataset.min_rows is not None else []
    bounds += [f"{rows} > {dataset.max_rows}"] if dataset.max_rows is not None else []
    if bounds:
        rules.append(_alert("DatasetVolumeOutOfBounds", " or ".join(bounds), monitor.for_s,
                            labels, annotations,
                            f"Dataset {dataset.name} has a row count over {window} outside "
                            f"its contract's bounds"))
    if not rules:
        raise Nothing(f"dataset {dataset.name!r} declares no quality checks or row bounds "
                      "and the monitor sets no threshold")
    return rules


def freshness(dataset: ir.Dataset, for_s: float, labels: dict[str, Any],
              annotations: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest record older than the contract's ``freshness.max_age``, as far as anyone
    knows: the last timestamp exported within ``max_age`` counts (a job that just stopped
    leaves its last word), and no timestamp at all for ``max_age`` is stale too. Data stops
    arriving when the pipelines die, and the job that exports the timestamp often dies with
    them: a rule over the live gauge alone would go quiet exactly then.
    """
    if dataset.freshness_max_age_s is None:
        raise Nothing(f"dataset {dataset.name!r} declares no freshness.max_age")
    last = selector(LAST_UPDATE, {"dataset": dataset.name})
    max_age, age = number(dataset.freshness_max_age_s), duration(dataset.freshness_max_age_s)
    expr = (f"time() - max_over_time({last}[{age}]) > {max_age} "
            f"or absent_over_time({last}[{age}])")
    return [_alert("DatasetStale", expr, for_s, labels, annotations,
                   f"Dataset {dataset.name} has no record newer than {age} (its contract's "
                   f"freshness), or nothing has reported its freshness for {age}")]
