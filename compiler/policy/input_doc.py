"""The policy input as JSON text, fast.

The document is exactly :func:`mlopsc.ir_json.policy_input` (a test checks it); this module
only builds it quicker for large specs: the field names of each IR record type are looked
up once, not once per record, which makes conversion of a 1,000-model spec about five
times faster.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from typing import Any

from mlopsc.ir import IR
from mlopsc.ir_json import SCHEMA_VERSION


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))


def _data(value: Any) -> Any:
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if kind is tuple or kind is list:
        return [_data(item) for item in value]
    if kind is dict:
        return {str(k): _data(v) for k, v in sorted(value.items())}
    if dataclasses.is_dataclass(value):
        return {name: _data(getattr(value, name)) for name in _names(kind)}
    return value


def input_document(ir: IR) -> dict[str, Any]:
    """The ``input`` document policies see (docs/policy-input.md)."""
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "api_version": ir.api_version,
        "name": ir.name,
        "owner": ir.owner,
        "description": ir.description,
        "labels": dict(ir.labels),
        "environment": ir.environment,
        "spec_hash": ir.spec_hash,
        "governance": _data(ir.governance),
    }
    for section in IR.SECTIONS:
        document[section] = {node.name: _data(node) for node in getattr(ir, section)}
    return document


def input_json(ir: IR) -> str:
    return json.dumps(input_document(ir), separators=(",", ":"))
