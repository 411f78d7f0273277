"""The kinds of change between two versions of one field (see ``breaking_rules.RULES``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mlopsc import ir
from mlopsc.tools.breaking_rules import CLASSIFICATION_RANK, WIDENINGS

Add = Callable[[str, str, str], None]
"""Records one field change: field name, kind of change (a key of ``RULES``), text."""


def field_changes(old: ir.Field, new: ir.Field, add: Add) -> None:
    """Every change from ``old`` to ``new`` (one field, perhaps renamed), in a fixed order:
    type, nullability, bounds, allowed values, PII, classification."""
    name = new.name
    if old.type != new.type:
        add(name, _type_kind(old.type, new.type),
            f"field {name} type {old.type or 'none'} → {new.type or 'none'}")
    if old.nullable and not new.nullable:
        add(name, "made-required", f"field {name} nullable → required")
    elif new.nullable and not old.nullable:
        add(name, "made-nullable", f"field {name} required → nullable")
    for bound in ("min", "max"):
        o, n = getattr(old, bound), getattr(new, bound)
        if o != n:
            add(name, _bound_kind(bound, o, n), f"field {name} {bound} {show(o)} → {show(n)}")
    if old.allowed_values != new.allowed_values:
        _values(name, old.allowed_values, new.allowed_values, add)
    if old.pii != new.pii:
        add(name, "pii-added" if new.pii else "pii-dropped",
            f"field {name} {'now' if new.pii else 'no longer'} marked PII")
    if old.classification != new.classification:
        raised = (CLASSIFICATION_RANK.get(new.classification, 0)
                  > CLASSIFICATION_RANK.get(old.classification, 0))
        add(name, "classification-raised" if raised else "classification-lowered",
            f"field {name} classification {old.classification or 'none'} → "
            f"{new.classification or 'none'}")


def _type_kind(old: str | None, new: str | None) -> str:
    if old is None:
        return "type-added"
    if new is None:
        return "type-dropped"
    return "type-widened" if new in WIDENINGS.get(old, frozenset()) else "type-changed"


def _bound_kind(bound: str, old: float | None, new: float | None) -> str:
    if old is None:
        return f"{bound}-added"
    if new is None:
        return f"{bound}-removed"
    if bound == "min":
        return "min-raised" if new > old else "min-lowered"
    return "max-raised" if new > old else "max-lowered"


def _values(name: str, old: tuple[Any, ...] | None, new: tuple[Any, ...] | None,
            add: Add) -> None:
    if new is None:  # the restriction is gone: every value is allowed
        add(name, "values-unrestricted", f"field {name} allowed values no longer restricted")
        return
    if old is None:
        add(name, "values-restricted",
            f"field {name} allowed values now restricted to {_listed(new)}")
        return
    lost, gained = set(old) - set(new), set(new) - set(old)
    if lost:
        add(name, "values-removed", f"field {name} values {_listed(lost)} no longer allowed")
    if gained:
        add(name, "values-added", f"field {name} values {_listed(gained)} now allowed")


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(sorted(map(str, values)))


def show(value: float | None) -> str:
    """A bound as written: ``none``, ``1000``, ``0.5``."""
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)
