"""Breaking changes between two versions of a spec: data contracts, feature sets and model
input schemas, judged from each contract's consumer (the rules are the table in
:mod:`mlopsc.tools.breaking_rules`, shown in ``docs/plan.md``).

A breaking change without a major version bump of the contract is an error (E580).
Governance-significant changes (a PII flag, a classification, retention) are their own
class: reported, never E580.

Renames are declared, not guessed: ``renamed_from: old-name`` on the new field. A field
that disappears while another appears is a removal and an addition.

Example::

    changes = compare(old_ir, new_ir)
    report_unbumped(changes, diagnostics)   # E580 at datasets.<name>.version
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.source import parse_path
from mlopsc.tools.breaking_fields import Add, field_changes
from mlopsc.tools.breaking_rules import BREAKING, DATA, FEATURES, GOVERNANCE, INPUT, effect
from mlopsc.tools.contracts import Contract, contracts_of_ir, duration
from mlopsc.values.units import semver_major


@dataclass(frozen=True, slots=True)
class FieldChange:
    subject: str
    """e.g. ``data contract transactions`` or ``model fraud-detector input schema``."""
    path: str
    """Spec path of the contract (or model) in the new spec (the old one when removed)."""
    field: str
    """The field changed; empty for a change of the whole contract."""
    kind: str
    """A key of :data:`mlopsc.tools.breaking_rules.RULES` (``field-removed``, ``max-raised`` …)."""
    breaking: bool
    message: str
    effect: str = BREAKING
    """``breaking``, ``compatible`` or ``governance``."""
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

    def label(self) -> str:
        """How a summary introduces the change: ``breaking (major version bumped)`` …"""
        if self.effect == GOVERNANCE:
            return "governance-significant"
        if not self.breaking:
            return "compatible"
        if self.kind == "contract-removed":
            return "breaking"
        return "breaking, major version not bumped" if self.unbumped else \
            "breaking (major version bumped)"


def compare(old: ir.IR, new: ir.IR) -> list[FieldChange]:
    """Every change of contracts and input schemas, in a stable order."""
    return compare_contracts(contracts_of_ir(old), contracts_of_ir(new))


def compare_contracts(old: dict[tuple[int, str], Contract],
                      new: dict[tuple[int, str], Contract]) -> list[FieldChange]:
    """The changes between two sets of contracts keyed by (kind rank, name)."""
    changes: list[FieldChange] = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if after is None and before is not None:
            changes.append(FieldChange(before.subject, before.path, "", "contract-removed",
                                       True, f"{before.subject} removed"))
        elif before is not None and after is not None:
            changes += _versioned(before, after)
    return changes


def _versioned(old: Contract, new: Contract) -> list[FieldChange]:
    versions = (old.version, new.version)
    old_major, new_major = (semver_major(v or "") for v in versions)
    bumped = old_major is not None and new_major is not None and new_major > old_major
    found = classify(new.kind, new.subject, new.path, old.fields, new.fields)
    found += _contract_level(new, old.retention_s, new.retention_s, old.erasure, new.erasure)
    return [replace(c, unbumped=c.breaking and not bumped, version_path=new.version_path,
                    versions=versions) for c in found]


def _contract_level(new: Contract, old_retention: float | None, new_retention: float | None,
                    old_erasure: bool | None, new_erasure: bool | None) -> list[FieldChange]:
    if new.kind != DATA:
        return []
    out = []
    if old_retention != new_retention:
        out.append(FieldChange(new.subject, new.path, "", "retention-changed", False,
                               f"{new.subject}: retention {duration(old_retention)} → "
                               f"{duration(new_retention)}", GOVERNANCE))
    if bool(old_erasure) != bool(new_erasure):
        out.append(FieldChange(new.subject, new.path, "", "erasure-changed", False,
                               f"{new.subject}: erasure on request "
                               f"{'no → yes' if new_erasure else 'yes → no'}", GOVERNANCE))
    return out


def report_unbumped(changes: list[FieldChange], diagnostics: Diagnostics) -> None:
    """Add E580 for every breaking change whose major version stayed the same."""
    for change in changes:
        if change.unbumped:
            # Without a version to point at, point at the entity's name, not its first field.
            diagnostics.add("E580", change.e580_message(),
                            path=parse_path(change.version_path) or (change.version_path,),
                            key=change.version_path == change.path)


def classify(contract: str, subject: str, path: str, old: tuple[ir.Field, ...],
             new: tuple[ir.Field, ...]) -> list[FieldChange]:
    """The changes from ``old`` fields to ``new`` fields of a ``contract`` (``data
    contract``, ``feature set`` or ``model input schema``); versions not considered."""
    before = {f.name: f for f in old}
    out: list[FieldChange] = []

    def add(field: str, kind: str, text: str) -> None:
        found = effect(contract, kind)
        out.append(FieldChange(subject, path, field, kind, found == BREAKING,
                               f"{subject}: {text}", found))

    gone = set(before) - {f.name for f in new}
    # ``renamed_from`` counts only while the old name is gone: left on a field for later
    # versions, or naming a field that still exists, it says nothing about this change.
    renamed = {f.renamed_from: f.name for f in new if f.renamed_from in gone}
    for name in sorted(gone):
        if name in renamed:
            add(name, "field-renamed", f"field {name} renamed to {renamed[name]}")
        else:
            add(name, "field-removed", f"field {name} removed")
    for field in new:
        previous = before.get(field.name)
        if previous is None and field.renamed_from in renamed:
            previous = before[field.renamed_from]
        if previous is None:
            add(field.name, "field-added-optional" if field.nullable else "field-added-required",
                f"field {field.name} added ({'optional' if field.nullable else 'required'})")
            continue
        field_changes(previous, field, add)
    return out


__all__ = ["DATA", "FEATURES", "INPUT", "Add", "FieldChange", "classify", "compare",
           "compare_contracts", "report_unbumped"]
