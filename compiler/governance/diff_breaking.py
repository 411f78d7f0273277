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
    for c in compare_contracts(contracts_of_report(old), contracts_of_report(new)):
        if c.effect == COMPATIBLE:
            continue
        before, after = (v or "none" for v in c.versions)
        text = f"{c.message} (version {before} → {after})" if c.unbumped else c.message
        kind = "removed" if c.kind in ("contract-removed", "field-removed") else "changed"
        field = f"field:{c.field}" if c.field else None
        yield c.path, kind, field, c.kind, c.effect, f"{c.label()}: {text}"
