"""Report diff of fields: a data contract's fields and a model's input schema, with their
constraints (type, nullability, bounds, allowed values, PII, classification)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopsc.governance.diff_sections import Item, Row, keyed, words

_FLAGS = (("pii", "now marked PII", "no longer marked PII"),
          ("nullable", "now nullable", "no longer nullable"))
_ATTRS = {"type": "type", "classification": "classification", "min": "min", "max": "max",
          "kind": "kind", "renamed_from": "renamed from", "purpose": "purpose"}


def contract_fields(subject: str, prefix: str, noun: str, old: list[Any],
                    new: list[Any]) -> Iterator[Row]:
    """Fields by name: ``{prefix}: {noun} x removed`` (noun ``field`` or ``input field``),
    added (``(PII)`` when it is), and every constraint that changed."""
    key_of = "field" if noun == "field" else "input"
    before, after = keyed(old, lambda f: f["name"]), keyed(new, lambda f: f["name"])
    for name in sorted(before.keys() | after.keys()):
        key = f"{key_of}:{name}"
        if name not in before:
            pii = " (PII)" if after[name].get("pii") else ""
            yield subject, "added", key, None, after[name], f"{prefix}: {noun} {name} added{pii}"
        elif name not in after:
            yield (subject, "removed", key, before[name], None,
                   f"{prefix}: {noun} {name} removed")
        else:
            yield from _field_change(subject, f"{prefix}: {noun} {name}", key,
                                     before[name], after[name])


def _field_change(subject: str, prefix: str, key: str, a: Item, b: Item) -> Iterator[Row]:
    for flag, yes, no in _FLAGS:
        if bool(a.get(flag)) != bool(b.get(flag)):
            yield (subject, "changed", f"{key}.{flag}", a.get(flag), b.get(flag),
                   f"{prefix} {yes if b.get(flag) else no}")
    for attr, label in _ATTRS.items():
        if (attr in a) != (attr in b):  # a report of an older mlopsc did not record it
            continue
        if a.get(attr) != b.get(attr):
            yield (subject, "changed", f"{key}.{attr}", a.get(attr), b.get(attr),
                   (f"{prefix}: {label} {words(a.get(attr))} → {words(b.get(attr))}"
                   f"{_direction(attr, a.get(attr), b.get(attr))}"))
    if ("allowed_values" in a) == ("allowed_values" in b):
        yield from _allowed(subject, prefix, key, a.get("allowed_values"),
                            b.get("allowed_values"))


def _direction(attr: str, old: Any, new: Any) -> str:
    """Whether a bound now lets fewer values through (narrowed) or more (widened)."""
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new))
    if attr not in ("min", "max") or not numbers:
        return ""
    return " (narrowed)" if (new > old) == (attr == "min") else " (widened)"


def _allowed(subject: str, prefix: str, key: str, old: Any, new: Any) -> Iterator[Row]:
    if old == new:
        return
    field = f"{key}.allowed_values"
    if not isinstance(old, list) or not isinstance(new, list):
        text = ("no longer restricted" if new is None else
                f"now restricted to {words(new)}" if old is None else
                f"{words(old)} → {words(new)}")
        yield subject, "changed", field, old, new, f"{prefix}: allowed values {text}"
        return
    lost = sorted(map(str, set(map(str, old)) - set(map(str, new))))
    gained = sorted(map(str, set(map(str, new)) - set(map(str, old))))
    if lost:
        yield (subject, "changed", field, old, new,
               f"{prefix}: allowed values narrowed, {words(lost)} no longer allowed")
    if gained:
        yield (subject, "changed", field, old, new,
               f"{prefix}: allowed values widened, {words(gained)} now allowed")
    if not lost and not gained:  # the same values in another order, or repeated
        yield (subject, "changed", field, old, new,
               f"{prefix}: allowed values {words(old)} → {words(new)}")
