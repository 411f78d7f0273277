"""Report diff of breaking changes: the rules of ``mlopsc plan`` (``mlopsc.tools.breaking``)
applied to the contracts two reports hold. Compatible changes are left to the data
contracts section; breaking and governance-significant ones are listed here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlopsc.governance.diff_sections import Row
from mlopsc.tools.breaking import compare_contracts
from mlopsc.tools.breaking_rules import COMPATIBLE
from mlopsc.tools.contracts import contracts_of_report


def breaking(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Row]:
    new = _recorded_by_both(new, old)
    old = _recorded_by_both(old, new)
    for c in compare_contracts(contracts_of_report(old), contracts_of_report(new)):
        if c.effect == COMPATIBLE:
            continue
        before, after = (v or "none" for v in c.versions)
        text = f"{c.message} (version {before} → {after})" if c.unbumped else c.message
        kind = "removed" if c.kind in ("contract-removed", "field-removed") else "changed"
        field = f"field:{c.field}" if c.field else None
        yield c.path, kind, field, c.kind, c.effect, f"{c.label()}: {text}"


def _keys(items: list[Any]) -> set[str]:
    return {key for item in items if isinstance(item, dict) for key in item}


def _recorded_by_both(report: dict[str, Any], other: dict[str, Any] | None = None
                      ) -> dict[str, Any]:
    """``report`` with only the field and model facts ``other`` records too: a report of an
    older mlopsc lacks constraints (and input schemas) it did not record, and a missing
    constraint is not a removed one."""
    if not other:
        return report
    fields = [f for c in other.get("data_contracts", []) for f in c.get("fields", [])]
    known, models = _keys(fields), _keys(other.get("models", []))
    contracts = [{**c, "fields": [{k: v for k, v in f.items() if k in known or not fields}
                                  for f in c.get("fields", [])]}
                 for c in report.get("data_contracts", [])]
    kept = [{k: v for k, v in m.items() if k in models or not other.get("models")}
            for m in report.get("models", [])]
    return {**report, "data_contracts": contracts, "models": kept}
