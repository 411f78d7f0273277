"""Breaking changes between two versions of a spec: data contracts, feature sets and model
input schemas.

A change breaks consumers when a field is removed or renamed, its type or range narrows,
its allowed values shrink, a nullable field becomes required, or a required field is added.
An added optional field, a widened type or range and added allowed values are compatible.
A feature set is read, never written, by its consumers: a removed feature or a changed
entity key breaks them, an added feature does not; types come from the source dataset.
A breaking change without a major version bump of the contract is an error (E580).

Renames are declared, not guessed: ``renamed_from: old-name`` on the new field. A field
that disappears while another appears is a removal and an addition.

Example::

    changes = compare(old_ir, new_ir)
    report_unbumped(changes, diagnostics)   # E580 at datasets.<name>.version
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.source import parse_path
from mlopsc.values.units import semver_major

# old type -> new types a consumer of the old type still reads correctly
_WIDENINGS: dict[str | None, set[str]] = {
    "integer": {"float", "decimal"}, "float": {"decimal"}, "category": {"string"},
    "date": {"timestamp"}}
_Add = Callable[[str, str, bool, str], None]
"""Records one field change: field name, kind, whether it breaks, text."""


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
    version_path: str = ""
    """Spec path of the version to bump (``datasets.t.version``, ``models.m.schema_version``;
    the model itself when it has no schema version)."""
    versions: tuple[str | None, str | None] = (None, None)
    """The contract (or input schema) version before and after."""

    def e580_message(self) -> str:
        """The E580 sentence: the change and the versions that should have bumped."""
        before, after = (v or "none" for v in self.versions)
        return f"{self.message}, but the major version did not change ({before} → {after})"


def compare(old: ir.IR, new: ir.IR) -> list[FieldChange]:
    """Every field-level change of contracts and input schemas, in a stable order."""
    changes: list[FieldChange] = []
    old_sets = {d.name: d for d in old.datasets}
    for dataset in new.datasets:
        before = old_sets.get(dataset.name)
        if before is not None:
            changes += _versioned(f"data contract {dataset.name}", dataset.path,
                                  f"{dataset.path}.version", before.fields, dataset.fields,
                                  (before.version, dataset.version))
    old_features = {f.name: f for f in old.features}
    for feature_set in new.features:
        old_set = old_features.get(feature_set.name)
        if old_set is not None:
            changes += _versioned(f"feature set {feature_set.name}", feature_set.path,
                                  f"{feature_set.path}.version", _columns(old_set, old),
                                  _columns(feature_set, new),
                                  (old_set.version, feature_set.version))
    old_models = {m.name: m for m in old.models}
    for model in new.models:
        old_model = old_models.get(model.name)
        if old_model is not None and (old_model.input_schema or model.input_schema):
            version_path = f"{model.path}.schema_version" if model.schema_version else model.path
            changes += _versioned(f"model {model.name} input schema", model.path, version_path,
                                  old_model.input_schema, model.input_schema,
                                  (old_model.schema_version, model.schema_version))
    return changes


def _columns(feature_set: ir.FeatureSet, spec: ir.IR) -> tuple[ir.Field, ...]:
    """The entity key and the features as fields typed as in the source dataset; optional,
    so that an added feature counts as compatible."""
    types = {f.name: f.type for f in spec.get(feature_set.dataset, ir.Dataset).fields}
    entity = ir.Field(name=feature_set.entity, type=types.get(feature_set.entity))
    return (entity, *(ir.Field(name=name, type=types.get(name), nullable=True)
                      for name in feature_set.features))


def _versioned(subject: str, path: str, version_path: str, old: tuple[ir.Field, ...],
               new: tuple[ir.Field, ...],
               versions: tuple[str | None, str | None]) -> list[FieldChange]:
    old_major, new_major = (semver_major(v or "") for v in versions)
    bumped = old_major is not None and new_major is not None and new_major > old_major
    return [replace(c, unbumped=c.breaking and not bumped, version_path=version_path,
                    versions=versions)
            for c in classify(subject, path, old, new)]


def report_unbumped(changes: list[FieldChange], diagnostics: Diagnostics) -> None:
    """Add E580 for every breaking change whose major version stayed the same."""
    for change in changes:
        if change.unbumped:
            # Without a version to point at, point at the entity's name, not its first field.
            diagnostics.add("E580", change.e580_message(),
                            path=parse_path(change.version_path) or (change.version_path,),
                            key=change.version_path == change.path)


def classify(subject: str, path: str, old: tuple[ir.Field, ...],
             new: tuple[ir.Field, ...]) -> list[FieldChange]:
    """The changes from ``old`` fields to ``new`` fields (version not considered)."""
    before = {f.name: f for f in old}
    out: list[FieldChange] = []

    def add(field: str, kind: str, breaking: bool, text: str) -> None:
        out.append(FieldChange(subject, path, field, kind, breaking, f"{subject}: {text}"))

    gone = set(before) - {f.name for f in new}
    # ``renamed_from`` counts only while the old name is gone: left on a field for later
    # versions, or naming a field that still exists, it says nothing about this change.
    renamed = {f.renamed_from: f.name for f in new if f.renamed_from in gone}
    for name in sorted(gone):
        if name in renamed:
            add(name, "renamed", True, f"field {name} renamed to {renamed[name]}")
        else:
            add(name, "removed", True, f"field {name} removed")
    for field in new:
        previous = before.get(field.name)
        if previous is None and field.renamed_from in renamed:
            previous = before[field.renamed_from]
        if previous is None:
            kind, breaking = (("added-optional", False) if field.nullable
                              else ("added-required", True))
            add(field.name, kind, breaking, f"field {field.name} added "
                f"({'optional' if field.nullable else 'required'})")
            continue
        _field_changes(previous, field, add)
    return out


def _field_changes(old: ir.Field, new: ir.Field, add: _Add) -> None:
    name = new.name
    if old.type != new.type:
        # No type accepts any value: dropping the type widens, adding one narrows.
        widened = new.type is None or new.type in _WIDENINGS.get(old.type, set())
        add(name, "type-widened" if widened else "type-narrowed", not widened,
            f"field {name} type {old.type or 'none'} → {new.type or 'none'}")
    if old.nullable and not new.nullable:
        add(name, "made-required", True, f"field {name} nullable → required")
    elif new.nullable and not old.nullable:
        add(name, "made-nullable", False, f"field {name} required → nullable")
    # tighter(old, new): a min that rose (old < new), a max that fell (old > new)
    for bound, tighter in (("min", operator.lt), ("max", operator.gt)):
        o, n = getattr(old, bound), getattr(new, bound)
        if o == n:
            continue
        narrowed = (o is None and n is not None) or (None not in (o, n) and tighter(o, n))
        add(name, "range-narrowed" if narrowed else "range-widened", narrowed,
            f"field {name} {bound} {_show(o)} → {_show(n)}")
    if old.allowed_values != new.allowed_values:
        _values_change(name, old.allowed_values, new.allowed_values, add)


def _values_change(name: str, old: tuple[Any, ...] | None, new: tuple[Any, ...] | None,
                   add: _Add) -> None:
    if new is None:  # the restriction is gone: every value is allowed
        add(name, "values-widened", False, f"field {name} allowed values no longer restricted")
        return
    if old is None:
        add(name, "values-narrowed", True,
            f"field {name} allowed values now restricted to {_listed(new)}")
        return
    lost, gained = set(old) - set(new), set(new) - set(old)
    if lost:
        add(name, "values-narrowed", True, f"field {name} values {_listed(lost)} no longer "
            "allowed" + (f" ({_listed(gained)} added)" if gained else ""))
    elif gained:
        add(name, "values-widened", False, f"field {name} values {_listed(gained)} now allowed")


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(sorted(map(str, values)))


def _show(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)
