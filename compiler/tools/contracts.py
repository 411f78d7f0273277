"""The contracts whose consumers breaking changes are judged for, read from the IR or from
a governance report (so that ``mlopsc plan`` and ``mlopsc report diff`` classify alike).

A contract is a data contract, a feature set (its entity key and features, each the field
of its source dataset) or a model input schema, keyed by ``(kind rank, name)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlopsc import ir
from mlopsc.tools.breaking_rules import CONTRACT_KINDS, DATA, FEATURES, INPUT


@dataclass(frozen=True, slots=True)
class Contract:
    kind: str
    """``data contract``, ``feature set`` or ``model input schema``."""
    name: str
    subject: str
    path: str
    version_path: str
    version: str | None
    fields: tuple[ir.Field, ...]
    retention_s: float | None = None
    erasure: bool | None = None


Contracts = dict[tuple[int, str], Contract]


def _put(out: Contracts, contract: Contract) -> None:
    out[(CONTRACT_KINDS.index(contract.kind), contract.name)] = contract


def contracts_of_ir(spec: ir.IR) -> Contracts:
    """Every contract of a lowered spec."""
    out: Contracts = {}
    for d in spec.datasets:
        _put(out, Contract(DATA, d.name, f"data contract {d.name}", d.path, f"{d.path}.version",
                           d.version, d.fields, d.retention_s, d.erasure))
    for f in spec.features:
        source = {x.name: x for x in spec.get(f.dataset, ir.Dataset).fields}
        _put(out, Contract(FEATURES, f.name, f"feature set {f.name}", f.path,
                           f"{f.path}.version", f.version, _columns(f.entity, f.features, source)))
    for m in spec.models:
        if m.input_schema or m.schema_version:
            where = f"{m.path}.schema_version" if m.schema_version else m.path
            _put(out, Contract(INPUT, m.name, f"model {m.name} input schema", m.path, where,
                               m.schema_version, m.input_schema))
    return out


def _columns(entity: str, features: tuple[str, ...] | list[str],
             source: dict[str, ir.Field]) -> tuple[ir.Field, ...]:
    """The entity key and the features as the source dataset's fields (a feature set
    exposes its source's promises); a rename in the source is not one in the feature set."""
    def column(name: str) -> ir.Field:
        field = source.get(name)
        if field is None:
            return ir.Field(name=name, type=None, nullable=True)
        return ir.Field(name=name, type=field.type, nullable=field.nullable, min=field.min,
                        max=field.max, allowed_values=field.allowed_values, pii=field.pii,
                        classification=field.classification)
    return (column(entity), *(column(name) for name in features if name != entity))


def contracts_of_report(report: dict[str, Any]) -> Contracts:
    """Every contract of a governance report (``report.json``); facts an older report lacks
    read as absent."""
    out: Contracts = {}
    by_id: dict[str, dict[str, ir.Field]] = {}
    for d in report.get("data_contracts", []):
        fields = tuple(_field(x) for x in d.get("fields", []))
        by_id[d.get("id", "")] = {f.name: f for f in fields}
        path = f"datasets.{d.get('name')}"
        _put(out, Contract(DATA, str(d.get("name")), f"data contract {d.get('name')}", path,
                           f"{path}.version", d.get("version"), fields, d.get("retention_s"),
                           d.get("erasure")))
    for f in report.get("feature_sets", []):
        path = f"features.{f.get('name')}"
        columns = _columns(str(f.get("entity")), list(f.get("features", [])),
                           by_id.get(f.get("source") or "", {}))
        _put(out, Contract(FEATURES, str(f.get("name")), f"feature set {f.get('name')}", path,
                           f"{path}.version", f.get("version"), columns))
    for m in report.get("models", []):
        schema, version = m.get("input_schema", []), m.get("schema_version")
        if schema or version:
            path = m.get("path") or f"models.{m.get('name')}"
            _put(out, Contract(INPUT, str(m.get("name")), f"model {m.get('name')} input schema",
                               path, f"{path}.schema_version" if version else path, version,
                               tuple(_field(x) for x in schema)))
    return out


def _field(row: dict[str, Any]) -> ir.Field:
    values = row.get("allowed_values")
    return ir.Field(name=str(row.get("name")), type=row.get("type"),
                    nullable=bool(row.get("nullable")), min=row.get("min"), max=row.get("max"),
                    allowed_values=tuple(values) if isinstance(values, list) else None,
                    pii=bool(row.get("pii")), classification=row.get("classification"),
                    renamed_from=row.get("renamed_from"))


def duration(seconds: Any) -> str:
    """Seconds as an auditor reads them: ``730 d``, ``2 h``, ``none``."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return "none" if seconds is None else str(seconds)
    return f"{seconds / 86400:g} d" if seconds >= 86400 else f"{seconds / 3600:g} h"
