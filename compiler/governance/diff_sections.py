"""How each section of a governance report is compared, and the words each change gets.

Every function takes the two reports and yields ``(subject, kind, field, old, new, message)``,
the headline facts of a subject first: that order is the order a diff lists them in.
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
        # Exact and short: 1000000.0 reads 1000000 (not 1e+06), 0.78 reads 0.78.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, list):
        return ", ".join(words(v) for v in value)
    return str(value)


def name_of(node_id: str | None) -> str:
    return (node_id or "").partition(":")[2] or (node_id or "")


def keyed(items: Iterable[Item], key: Callable[[Item], str]) -> dict[str, Item]:
    return {key(item): item for item in items}


def fields(subject: str, prefix: str, old: Item, new: Item,
            labels: dict[str, str], show: Callable[[str, Any], str] | None = None) -> Iterator[Row]:
    """A ``changed`` row for every labelled field whose value differs. A field one side
    lacks altogether (a report of an older mlopsc, which did not record it) is not
    compared: absent is not the same as empty."""
    show = show or (lambda _field, value: words(value))
    for field, label in labels.items():
        if (field in old) != (field in new) and old and new:
            continue
        before, after = old.get(field), new.get(field)
        if before != after:
            yield (subject, "changed", field, before, after,
                   f"{prefix}: {label} {show(field, before)} → {show(field, after)}")


def nested(subject: str, prefix: str, key: str, old: Item | None, new: Item | None,
            labels: dict[str, str], show: Callable[[str, Any], str] | None = None
            ) -> Iterator[Row]:
    """``fields`` of the object under ``key`` (absent reads as empty); the field of each
    row is ``key.field``."""
    for row in fields(subject, prefix, old or {}, new or {}, labels, show):
        yield (row[0], row[1], f"{key}.{row[2]}", *row[3:])


def quoted(_field: str, value: Any) -> str:
    """A free text as a diff shows it: in quotes, so that the arrow between two stays clear."""
    return "none" if value in (None, "") else f'"{value}"'


def entities(old: dict[str, Any], new: dict[str, Any], section: str,
              describe_added: Callable[[Item], str],
              noun: str, compare: Callable[[str, str, Item, Item], Iterable[Row]]) -> Iterator[Row]:
    """Added, removed and changed entities of a section keyed by ``id``."""
    before = keyed(old.get(section, []), lambda x: x["id"])
    after = keyed(new.get(section, []), lambda x: x["id"])
    for node_id in sorted(before.keys() | after.keys()):
        entity = before.get(node_id, after.get(node_id, {}))
        prefix = f"{noun} {entity.get('name', name_of(node_id))}"
        if node_id not in before:
            yield node_id, "added", None, None, after[node_id], describe_added(after[node_id])
        elif node_id not in after:
            yield node_id, "removed", None, before[node_id], None, f"{prefix} removed"
        else:
            a, b = before[node_id].get("name"), after[node_id].get("name")
            if a != b:
                yield node_id, "changed", "name", a, b, f"{noun} {a} renamed to {b}"
            yield from compare(node_id, prefix, before[node_id], after[node_id])


def added_removed(subject: str, prefix: str, noun: str, old: list[Any],
                   new: list[Any]) -> Iterator[Row]:
    for item in sorted(set(new) - set(old)):
        yield subject, "added", f"{noun}:{item}", None, item, f"{prefix}: {noun} {item} added"
    for item in sorted(set(old) - set(new)):
        yield subject, "removed", f"{noun}:{item}", item, None, f"{prefix}: {noun} {item} removed"


# ---------------------------------------------------------------- platform
def platform(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    labels = {"name": "name", "owner": "owner", "environment": "environment"}
    yield from fields("platform", "platform", old.get("platform", {}), new.get("platform", {}),
                       labels)
