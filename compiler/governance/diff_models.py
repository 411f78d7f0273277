"""Report diff of the models: the headline facts first (risk tier, stage, version, what the
tier requires, approvals), then metrics against their thresholds, fairness, oversight,
explainability, the card's promises, provenance and the input schema.

``MODEL_ORDER`` is that order, explicitly: a diff lists a model's changes in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mlopsc.governance.diff_model_facts import (
    artifact,
    card,
    explainability,
    history,
    human_oversight,
    input_schema,
    risk_assessment,
    training,
)
from mlopsc.governance.diff_sections import (
    Item,
    Row,
    added_removed,
    entities,
    fields,
    keyed,
    name_of,
    nested,
    quoted,
    words,
)

HEADLINE = {"risk_tier": "risk tier", "stage": "stage", "version": "version",
            "approvals_required": "approvals required",
            "approver_roles_required": "approver roles required"}
LATER = {"owner": "owner", "framework": "framework", "task": "task"}


def models(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(m: Item) -> str:
        return (f"model {m.get('name')} added (version {words(m.get('version'))}, stage "
                f"{words(m.get('stage'))}, risk tier {words(m.get('risk_tier'))})")

    yield from entities(old, new, "models", added, "model", _model)


def _headline(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from fields(subject, prefix, old, new, HEADLINE)


def _approvals_of(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _approvals(subject, prefix, old.get("approvals", []), new.get("approvals", []))


def _regulations(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from added_removed(subject, prefix, "regulation", old.get("regulations", []),
                              new.get("regulations", []))


def _metrics_of(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _metrics(subject, f"{prefix}: metric", "metric", old.get("metrics", []),
                        new.get("metrics", []), ("threshold", "baseline", "value"),
                        "promotion threshold")


def _fairness_of(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _fairness(subject, prefix, old.get("fairness"), new.get("fairness"))


def _training_data(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _training(subject, prefix, old.get("training_data", []),
                         new.get("training_data", []))
    yield from added_removed(subject, prefix, "training feature set",
                              old.get("training_feature_sets", []),
                              new.get("training_feature_sets", []))


def _later(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from fields(subject, prefix, old, new, LATER)


Compare = Callable[[str, str, Item, Item], Iterator[Row]]
MODEL_ORDER: tuple[Compare, ...] = (
    _headline, _approvals_of, _regulations, _metrics_of, _fairness_of, human_oversight,
    explainability, risk_assessment, card, history, artifact, training, _training_data,
    input_schema, _later)
"""A model's comparisons, most important first."""


def _model(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    for compare in MODEL_ORDER:
        yield from compare(subject, prefix, old, new)


def meets(metric: Item | None) -> bool | None:
    """Whether a metric meets its threshold; ``None`` when either is unknown."""
    if not metric:
        return None
    value, threshold = metric.get("value"), metric.get("threshold")
    if not isinstance(value, (int, float)) or not isinstance(threshold, (int, float)):
        return None
    return value >= threshold if metric.get("higher_is_better", True) else value <= threshold


def _metrics(subject: str, prefix: str, key: str, old: list[Any], new: list[Any],
             attrs: tuple[str, ...], threshold_name: str) -> Iterator[Row]:
    """Metrics by name: added (with threshold), removed, whether each meets its threshold
    now (first: that is the news), and each attribute that changed."""
    before, after = keyed(old, lambda x: x["name"]), keyed(new, lambda x: x["name"])
    for name in sorted(before.keys() | after.keys()):
        field = f"{key}:{name}"
        if name not in before:
            yield (subject, "added", field, None, after[name],
                   f"{prefix} {name} added (threshold {words(after[name].get('threshold'))})")
            continue
        if name not in after:
            yield subject, "removed", field, before[name], None, f"{prefix} {name} removed"
            continue
        a, b = before[name], after[name]
        was, now = meets(a), meets(b)
        if was is not None and now is not None and was != now:
            side = "below" if b.get("higher_is_better", True) else "above"
            verdict = f"now meets its {threshold_name}" if now else \
                f"now {side} its {threshold_name}"
            yield (subject, "changed", f"{field}.meets_threshold", was, now,
                   (f"{prefix} {name} {verdict}: value {words(b.get('value'))}, threshold "
                   f"{words(b.get('threshold'))}"))
        for attr in attrs + ("higher_is_better",):
            if a.get(attr) != b.get(attr):
                yield (subject, "changed", f"{field}.{attr}", a.get(attr), b.get(attr),
                       (f"{prefix} {name}: {attr.replace('_', ' ')} {words(a.get(attr))} → "
                       f"{words(b.get(attr))}"))


def _fairness(subject: str, prefix: str, old: Item | None, new: Item | None) -> Iterator[Row]:
    if old is None or new is None:
        if old is not new:
            attrs = words((new or {}).get("protected_attributes"))
            yield (subject, "added" if old is None else "removed", "fairness", old, new,
                   f"{prefix}: fairness review added (protected attributes: {attrs})"
                   if old is None else f"{prefix}: fairness review removed")
        return
    yield from _metrics(subject, f"{prefix}: fairness metric", "fairness_metric",
                        old.get("metrics", []), new.get("metrics", []), ("threshold", "value"),
                        "threshold")
    yield from added_removed(subject, prefix, "protected attribute",
                              old.get("protected_attributes", []),
                              new.get("protected_attributes", []))
    yield from fields(subject, prefix, old, new,
                       {"disparate_impact_tested": "disparate impact tested"})
    yield from nested(subject, prefix, "fairness", old, new, {"assessment": "fairness assessment"},
                       quoted)

def _approval_key(a: Item) -> str:
    return f"{a['by']}/{a['role']}/{a.get('stage') or ''}"


def _approval_words(a: Item) -> str:
    stage = f", stage {a['stage']}" if a.get("stage") else ""
    return f"approval by {a['by']} ({a['role']}{stage})"


def _approvals(subject: str, prefix: str, old: list[Any], new: list[Any]) -> Iterator[Row]:
    before, after = keyed(old, _approval_key), keyed(new, _approval_key)
    for key in sorted(before.keys() | after.keys()):
        field = f"approval:{key}"
        if key not in before:
            new_one = after[key]
            yield (subject, "added", field, None, new_one,
                   f"{prefix}: {_approval_words(new_one)} added, dated {new_one.get('date')}")
            continue
        if key not in after:
            yield subject, "removed", field, before[key], None, \
                f"{prefix}: {_approval_words(before[key])} removed"
            continue
        for attr in ("date", "version"):
            if (attr in before[key]) != (attr in after[key]):
                continue  # an older report did not record the version approved
            was, now = before[key].get(attr), after[key].get(attr)
            if was != now:
                yield (subject, "changed", f"{field}.{attr}", before[key], after[key],
                       (f"{prefix}: {_approval_words(after[key])}: {attr} {words(was)} → "
                       f"{words(now)}"))


def _training(subject: str, prefix: str, old: list[Any], new: list[Any]) -> Iterator[Row]:
    before = keyed(old, lambda r: r["dataset"])
    after = keyed(new, lambda r: r["dataset"])
    for ds in sorted(before.keys() | after.keys()):
        field, name = f"training_data:{ds}", name_of(ds)
        if ds not in before:
            yield (subject, "added", field, None, after[ds],
                   (f"{prefix}: now trained on data contract {name} version "
                    f"{after[ds].get('version')}"))
        elif ds not in after:
            yield subject, "removed", field, before[ds], None, \
                f"{prefix}: no longer trained on data contract {name}"
        elif before[ds].get("version") != after[ds].get("version"):
            yield (subject, "changed", field, before[ds], after[ds],
                   (f"{prefix}: training data contract {name} version "
                    f"{before[ds].get('version')} → {after[ds].get('version')}"))
