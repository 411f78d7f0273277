"""Report diff of what watches a model in production: monitors with their thresholds, and
each deployment's rollback triggers, told apart by what they watch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopsc.governance.diff_sections import Item, Row, entities, fields, keyed, name_of, words
from mlopsc.tools.contracts import duration

MONITOR_FIELDS = {"type": "type", "deployment": "deployment", "model": "model",
                  "dataset": "dataset", "metric": "metric", "threshold": "threshold",
                  "severity": "severity", "window_s": "window", "for_s": "alert after",
                  "runbook": "runbook", "owner": "owner"}
_DRIFT = "data_drift"


def _show(field: str, value: Any) -> str:
    if field in ("window_s", "for_s"):
        return duration(value)
    if field in ("deployment", "model", "dataset"):
        return name_of(value) if value else "none"
    return words(value)


def monitors(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    def added(m: Item) -> str:
        watched = m.get("deployment") or m.get("dataset") or m.get("model")
        return f"monitor {m.get('name')} added ({m.get('type')} of {name_of(watched)})"

    if old and new and ("monitors" in old) != ("monitors" in new):
        return  # a report of an older mlopsc did not record its monitors

    def compare(subject: str, prefix: str, a: Item, b: Item) -> Iterator[Row]:
        yield from fields(subject, prefix, a, b, MONITOR_FIELDS, _show)
        yield from _features(subject, prefix, b.get("type"), a.get("features") or [],
                             b.get("features") or [])

    yield from entities(old, new, "monitors", added, "monitor", compare)


def _features(subject: str, prefix: str, kind: Any, old: list[Any],
              new: list[Any]) -> Iterator[Row]:
    before, after = keyed(old, lambda f: f["name"]), keyed(new, lambda f: f["name"])
    for name in sorted(before.keys() | after.keys()):
        key = f"feature:{name}"
        if name not in before:
            yield (subject, "added", key, None, after[name],
                   f"{prefix}: feature {name} now watched")
        elif name not in after:
            yield subject, "removed", key, before[name], None, \
                f"{prefix}: feature {name} no longer watched"
        else:
            a, b = before[name], after[name]
            yield from _threshold(subject, f"{prefix}: feature {name}", key, kind,
                                  a.get("threshold"), b.get("threshold"))
            if a.get("method") != b.get("method"):
                yield (subject, "changed", f"{key}.method", a.get("method"), b.get("method"),
                       (f"{prefix}: feature {name}: method {words(a.get('method'))} → "
                       f"{words(b.get('method'))}"))


def _threshold(subject: str, prefix: str, key: str, kind: Any, old: Any,
               new: Any) -> Iterator[Row]:
    if old == new:
        return
    how = ""
    # A drift score alerts above its threshold: a higher one lets more drift pass.
    if kind == _DRIFT and isinstance(old, (int, float)) and isinstance(new, (int, float)):
        how = " (loosened)" if new > old else " (tightened)"
    label = "drift threshold" if kind == _DRIFT else "threshold"
    yield (subject, "changed", f"{key}.threshold", old, new,
           f"{prefix}: {label} {words(old)} → {words(new)}{how}")


def trigger_words(t: Item) -> str:
    """A rollback trigger as a reader tells it apart: its type and what it watches."""
    watched = [f"SLO {name_of(t['slo'])}" if t.get("slo") else "",
               f"monitor {name_of(t['monitor'])}" if t.get("monitor") else "",
               f"threshold {words(t['threshold'])}" if t.get("threshold") is not None else ""]
    what = ", ".join(w for w in watched if w)
    return f"rollback trigger {t.get('type')}" + (f" ({what})" if what else "")


def rollback(subject: str, prefix: str, old: Item, new: Item) -> Iterator[Row]:
    """Rollback triggers by type and what they watch; from the bare type list when a report
    of an older mlopsc has no ``rollback_triggers``."""
    if "rollback_triggers" not in old or "rollback_triggers" not in new:
        yield from fields(subject, prefix, old, new, {"rollback": "rollback triggers"})
        return
    before = keyed(old["rollback_triggers"], trigger_words)
    after = keyed(new["rollback_triggers"], trigger_words)
    for key in sorted(before.keys() - after.keys()):
        yield (subject, "removed", f"rollback:{key}", before[key], None,
               f"{prefix}: {key} removed")
    for key in sorted(after.keys() - before.keys()):
        yield subject, "added", f"rollback:{key}", None, after[key], f"{prefix}: {key} added"
