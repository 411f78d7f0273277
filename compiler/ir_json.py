"""The IR as plain JSON data: the policy input document and the base of JSON outputs.

Sections become objects keyed by name (``models.fraud-detector``), so a Rego author writes
``input.models[name]`` and reports ``path`` as the entity's ``path`` plus a field name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mlopsc.ir import IR

SCHEMA_VERSION = 1


def to_data(value: Any) -> Any:
    """Convert IR records into JSON-ready data (dicts with fields in declaration order)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, (tuple, list)):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in sorted(value.items())}
    return value


def policy_input(ir: IR) -> dict[str, Any]:
    """The document policies see as ``input`` (see docs/policy-input.md).

    >>> from mlopsc.api import load_ir  # doctest: +SKIP
    """
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "api_version": ir.api_version,
        "name": ir.name,
        "owner": ir.owner,
        "description": ir.description,
        "labels": dict(ir.labels),
        "environment": ir.environment,
        "spec_hash": ir.spec_hash,
        "governance": to_data(ir.governance),
    }
    for section in IR.SECTIONS:
        document[section] = {node.name: to_data(node) for node in getattr(ir, section)}
    return document
