"""Breaking changes between two versions of a spec: data contracts and model input schemas.

A change breaks consumers when a field is removed or renamed, its type or range narrows,
its allowed values shrink, a nullable field becomes required, or a required field is added.
An added optional field, a widened type or range and added allowed values are compatible.
A breaking change without a major version bump of the contract is an error (E580).

Example::

    changes = compare(old_ir, new_ir)
    errors = [c for c in changes if c.unbumped]
"""

from __future__ import annotations

from dataclasses import dataclass

from mlopsc import ir
from mlopsc.units import semver_major

# old type -> new types a consumer of the old type still reads correctly
_WIDENINGS = {"integer": {"float", "decimal"}, "float": {"decimal"}, "category": {"string"},
              "date": {"timestamp"}}


@dataclass(frozen=True, slots=True)
class FieldChange:
    subject: str
    """e.g. ``data contract transactions`` or ``model fraud-detector input schema``."""
    path: str
    """Spec path of the contract (or model) in the new spec."""
    field: str
    kind: str
    """removed, renamed, type-narrowed, type-widened, range-narrowed, range-widened,
    values-narrowed, values-widened, made-required, made-nullable, added-required,
    added-optional."""
    breaking: bool
    message: str
    unbumped: bool = False
    """Breaking while the major version stayed the same (E580)."""


def compare(old: ir.IR, new: ir.IR) -> list[FieldChange]:
    """Every field-level change of contracts and input schemas, in a stable order."""
    changes: list[FieldChange] = []
    old_sets = {d.name: d for d in old.datasets}
    for dataset in new.datasets:
        before = old_sets.get(dataset.name)
        if before is not None:
            changes += _versioned(f"data contract {dataset.name}", dataset.path,
                                  before.fields, dataset.fields, before.version, dataset.version)
    old_models = {m.name: m for m in old.models}
    for model in new.models:
        before = old_models.get(model.name)
        if before is not None and (before.input_schema or model.input_schema):
            changes += _versioned(f"model {model.name} input schema", model.path,
                                  before.input_schema, model.input_schema,
                                  before.schema_version, model.schema_version)
    return changes


def _versioned(subject: str, path: str, old: tuple[ir.Field, ...], new: tuple[ir.Field, ...],
               old_version: str | None, new_version: str | None) -> list[FieldChange]:
    changes = classify(subject, path, old, new)
    old_major, new_major = semver_major(old_version or ""), semver_major(new_version or "")
    bumped = old_major is not None and new_major is not None and new_major > old_major
    if bumped:
        return changes
    return [FieldChange(c.subject, c.path, c.field, c.kind, c.breaking, c.message,
                        unbumped=c.breaking) for c in changes]


def classify(subject: str, path: str, old: tuple[ir.Field, ...],
             new: tuple[ir.Field, ...]) -> list[FieldChange]:
    """The changes from ``old`` fields to ``new`` fields (version not considered)."""
    before = {f.name: f for f in old}
    out: list[FieldChange] = []

    def add(field: str, kind: str, breaking: bool, text: str) -> None:
        out.append(FieldChange(subject, path, field, kind, breaking, f"{subject}: {text}"))

    renamed = {f.renamed_from: f.name for f in new if f.renamed_from in before}
    for name in sorted(set(before) - {f.name for f in new}):
        if name in renamed:
            add(name, "renamed", True, f"field {name} renamed to {renamed[name]}")
        else:
            add(name, "removed", True, f"field {name} removed")
    for field in new:
        previous = before.get(field.name)
        if previous is None and field.renamed_from in before:
            previous = before[field.renamed_from]
        if previous is None:
            kind, breaking = ("added-optional", False) if field.nullable else ("added-required", True)
            add(field.name, kind, breaking, f"field {field.name} added "
                f"({'optional' if field.nullable else 'required'})")
            continue
        _field_changes(previous, field, add)
    return out


def _field_changes(old: ir.Field, new: ir.Field, add) -> None:
    name = new.name
    if old.type != new.type and old.type is not None:
        widened = new.type in _WIDENINGS.get(old.type, set())
        add(name, "type-widened" if widened else "type-narrowed", not widened,
            f"field {name} type {old.type} → {new.type}")
    if old.nullable and not new.nullable:
        add(name, "made-required", True, f"field {name} nullable → required")
    elif new.nullable and not old.nullable:
        add(name, "made-nullable", False, f"field {name} required → nullable")
    for bound, tighter in (("min", lambda o, n: n > o), ("max", lambda o, n: n < o)):
        o, n = getattr(old, bound), getattr(new, bound)
        if o == n:
            continue
        narrowed = (o is None and n is not None) or (None not in (o, n) and tighter(o, n))
        add(name, "range-narrowed" if narrowed else "range-widened", narrowed,
            f"field {name} {bound} {_show(o)} → {_show(n)}")
    if old.allowed_values != new.allowed_values:
        lost = set(old.allowed_values or ()) - set(new.allowed_values or ())
        narrowed = bool(lost) or (old.allowed_values is None and new.allowed_values is not None)
        detail = (f"values {', '.join(sorted(map(str, lost)))} no longer allowed" if lost
                  else "allowed values changed")
        add(name, "values-narrowed" if narrowed else "values-widened", narrowed,
            f"field {name} {detail}")


def _show(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)
