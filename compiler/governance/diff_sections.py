"""How each section of a governance report is compared, and the words each change gets.

Every function takes the two reports and yields ``(subject, kind, field, old, new, message)``.
Missing keys are read as empty, so a report of an older mlopsc still compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

Row = tuple[str, str, str | None, Any, Any, str]
Item = dict[str, Any]


def words(value: Any) -> str:
    """A value as an auditor reads it: ``none``, ``yes``/``no``, ``a, b``, ``0.5``."""
    if value is None or value == [] or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(words(v) for v in value)
    return str(value)


def _name(node_id: str | None) -> str:
    return (node_id or "").partition(":")[2] or (node_id or "")


def _keyed(items: Iterable[Item], key: Callable[[Item], str]) -> dict[str, Item]:
    return {key(item): item for item in items}


def _fields(subject: str, prefix: str, old: Item, new: Item,
            labels: dict[str, str], show: Callable[[str, Any], str] | None = None) -> Iterator[Row]:
    """A ``changed`` row for every labelled field whose value differs."""
    show = show or (lambda _field, value: words(value))
    for field, label in labels.items():
        before, after = old.get(field), new.get(field)
        if before != after:
            yield (subject, "changed", field, before, after,
                   f"{prefix}: {label} {show(field, before)} → {show(field, after)}")


def _entities(old: dict[str, Any], new: dict[str, Any], section: str,
              describe_added: Callable[[Item], str],
              noun: str, compare: Callable[[str, str, Item, Item], Iterable[Row]]) -> Iterator[Row]:
    """Added, removed and changed entities of a section keyed by ``id``."""
    before = _keyed(old.get(section, []), lambda x: x["id"])
    after = _keyed(new.get(section, []), lambda x: x["id"])
    for node_id in sorted(before.keys() | after.keys()):
        prefix = f"{noun} {before.get(node_id, after.get(node_id, {})).get('name', _name(node_id))}"
        if node_id not in before:
            yield node_id, "added", None, None, after[node_id], describe_added(after[node_id])
        elif node_id not in after:
            yield node_id, "removed", None, before[node_id], None, f"{prefix} removed"
        else:
            yield from compare(node_id, prefix, before[node_id], after[node_id])


# ---------------------------------------------------------------- platform
def platform(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    labels = {"name": "name", "owner": "owner", "environment": "environment"}
    yield from _fields("platform", "platform", old.get("platform", {}), new.get("platform", {}),
                       labels)


# ---------------------------------------------------------------- models
MODEL_FIELDS = {"version": "version", "stage": "stage", "owner": "owner",
                "risk_tier": "risk tier", "framework": "framework",
                "approvals_required": "approvals required",
                "approver_roles_required": "approver roles required"}


def models(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(m: Item) -> str:
        return (f"model {m.get('name')} added (version {words(m.get('version'))}, stage "
                f"{words(m.get('stage'))}, risk tier {words(m.get('risk_tier'))})")

    yield from _entities(old, new, "models", added, "model", _model)


def _model(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    yield from _fields(subject, prefix, old, new, MODEL_FIELDS)
    yield from _approvals(subject, prefix, old.get("approvals", []), new.get("approvals", []))
    yield from _added_removed(subject, prefix, "regulation", old.get("regulations", []),
                              new.get("regulations", []))
    yield from _training(subject, prefix, old.get("training_data", []),
                         new.get("training_data", []))
    yield from _added_removed(subject, prefix, "training feature set",
                              old.get("training_feature_sets", []),
                              new.get("training_feature_sets", []))
    yield from _metrics(subject, f"{prefix}: metric", "metric", old.get("metrics", []),
                        new.get("metrics", []), ("threshold", "baseline", "value"))
    yield from _fairness(subject, prefix, old.get("fairness"), new.get("fairness"))


def _metrics(subject: str, prefix: str, key: str, old: list[Any], new: list[Any],
             attrs: tuple[str, ...]) -> Iterator[Row]:
    """Metrics by name: added (with threshold), removed, and each attribute that changed."""
    before, after = _keyed(old, lambda x: x["name"]), _keyed(new, lambda x: x["name"])
    for name in sorted(before.keys() | after.keys()):
        field = f"{key}:{name}"
        if name not in before:
            yield (subject, "added", field, None, after[name],
                   f"{prefix} {name} added (threshold {words(after[name].get('threshold'))})")
        elif name not in after:
            yield subject, "removed", field, before[name], None, f"{prefix} {name} removed"
        else:
            for attr in attrs + ("higher_is_better",):
                a, b = before[name].get(attr), after[name].get(attr)
                if a != b:
                    yield (subject, "changed", f"{field}.{attr}", a, b,
                           f"{prefix} {name}: {attr.replace('_', ' ')} {words(a)} → {words(b)}")


def _fairness(subject: str, prefix: str, old: Item | None, new: Item | None) -> Iterator[Row]:
    if old is None or new is None:
        if old is not new:
            attrs = words((new or {}).get("protected_attributes"))
            yield (subject, "added" if old is None else "removed", "fairness", old, new,
                   f"{prefix}: fairness review added (protected attributes: {attrs})"
                   if old is None else f"{prefix}: fairness review removed")
        return
    yield from _added_removed(subject, prefix, "protected attribute",
                              old.get("protected_attributes", []),
                              new.get("protected_attributes", []))
    yield from _fields(subject, prefix, old, new,
                       {"disparate_impact_tested": "disparate impact tested"})
    yield from _metrics(subject, f"{prefix}: fairness metric", "fairness_metric",
                        old.get("metrics", []), new.get("metrics", []), ("threshold", "value"))


def _approval_key(a: Item) -> str:
    return f"{a['by']}/{a['role']}/{a.get('stage') or ''}"


def _approval_words(a: Item) -> str:
    stage = f", stage {a['stage']}" if a.get("stage") else ""
    return f"approval by {a['by']} ({a['role']}{stage})"


def _approvals(subject: str, prefix: str, old: list[Any], new: list[Any]) -> Iterator[Row]:
    before, after = _keyed(old, _approval_key), _keyed(new, _approval_key)
    for key in sorted(before.keys() | after.keys()):
        field = f"approval:{key}"
        if key not in before:
            a = after[key]
            yield (subject, "added", field, None, a,
                   f"{prefix}: {_approval_words(a)} added, dated {a.get('date')}")
        elif key not in after:
            yield subject, "removed", field, before[key], None, \
                f"{prefix}: {_approval_words(before[key])} removed"
        elif before[key].get("date") != after[key].get("date"):
            yield (subject, "changed", field, before[key], after[key],
                   (f"{prefix}: {_approval_words(after[key])}: date {before[key].get('date')} "
                    f"→ {after[key].get('date')}"))


def _added_removed(subject: str, prefix: str, noun: str, old: list[Any],
                   new: list[Any]) -> Iterator[Row]:
    for item in sorted(set(new) - set(old)):
        yield subject, "added", f"{noun}:{item}", None, item, f"{prefix}: {noun} {item} added"
    for item in sorted(set(old) - set(new)):
        yield subject, "removed", f"{noun}:{item}", item, None, f"{prefix}: {noun} {item} removed"


def _training(subject: str, prefix: str, old: list[Any], new: list[Any]) -> Iterator[Row]:
    before = _keyed(old, lambda r: r["dataset"])
    after = _keyed(new, lambda r: r["dataset"])
    for ds in sorted(before.keys() | after.keys()):
        field, name = f"training_data:{ds}", _name(ds)
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
