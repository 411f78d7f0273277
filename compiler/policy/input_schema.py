"""The JSON Schema of the policy input, derived from the IR records' type hints.

``python -m mlopsc.policy.input_schema`` rewrites ``compiler/schema/policy-input.json``; a
test checks the committed file is current and that every example's input validates.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from mlopsc import ir as ir_module
from mlopsc.ir import IR, Governance, Node
from mlopsc.ir_json import SCHEMA_VERSION

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "policy-input.json"
_SECTION_TYPES = {"environments": "Environment", "datasets": "Dataset", "features": "FeatureSet",
                  "pipelines": "Pipeline", "models": "Model", "deployments": "Deployment",
                  "slos": "Slo", "monitors": "Monitor", "waivers": "Waiver"}
_SCALARS = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
            bool: {"type": "boolean"}, type(None): {"type": "null"}}


def _type(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    if hint is Any:
        return {}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type(arg, defs) for arg in typing.get_args(hint)]}
    if origin is tuple:
        return {"type": "array", "items": _type(typing.get_args(hint)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(typing.get_args(hint)[1], defs)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        _define(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # placeholder: records may refer to each other
    hints = typing.get_type_hints(cls, vars(ir_module))
    fields = [f for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    doc = (cls.__doc__ or "").strip()
    entry: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: _type(hints[f.name], defs) for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }
    if doc and not doc.startswith(cls.__name__ + "("):
        entry["description"] = " ".join(doc.split())
    defs[cls.__name__] = entry


def schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    sections = {name: {"type": "object", "description": f"{name} keyed by name",
                       "additionalProperties": _type(getattr(ir_module, cls), defs)}
                for name, cls in _SECTION_TYPES.items()}
    _type(Node, defs)
    properties = {
        "schema_version": {"const": SCHEMA_VERSION},
        "api_version": {"type": "string"},
        "name": {"type": "string"},
        "owner": {"type": ["string", "null"]},
        "description": {"type": ["string", "null"]},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "environment": {"type": ["string", "null"]},
        "spec_hash": {"type": "string"},
        "governance": _type(Governance, defs),
        **sections,
    }
    optional = {"run": {
        "type": "object", "additionalProperties": False, "required": ["today"],
        "description": "Facts of the run, not of the spec: `today` is the date approvals and "
                       "waivers are judged against (`--today`, SOURCE_DATE_EPOCH or today).",
        "properties": {"today": {"type": "string", "format": "date"}}}}
    assert set(IR.SECTIONS) == set(_SECTION_TYPES)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://mlopsc.dev/schema/policy-input.json",
        "title": "mlopsc policy input (the `input` document of Rego policies)",
        "type": "object",
        "properties": {**properties, **optional},
        "required": sorted(properties),
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.parent.mkdir(exist_ok=True)
    SCHEMA_PATH.write_text(render())
    sys.stdout.write(f"wrote {SCHEMA_PATH.name}\n")
