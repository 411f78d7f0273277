"""The spec's JSON Schema has a stable $id, and its SchemaStore catalog entry points there."""

from __future__ import annotations

import json

import jsonschema
from conftest import ROOT

from mlopsc.spec import SCHEMA_ID, json_schema

# One item of "schemas" in SchemaStore's catalog schema, as in
# SchemaStore/schemastore src/schemas/json/schema-catalog.json (draft-04).
CATALOG_ITEM = {
    "additionalProperties": False,
    "properties": {
        "description": {"type": "string"},
        "fileMatch": {"items": {"type": "string"}, "type": "array", "uniqueItems": True},
        "name": {"type": "string"},
        "url": {"format": "uri", "pattern": "^https://", "type": "string"},
        "versions": {"additionalProperties": {"format": "uri", "pattern": "^https://",
                                              "type": "string"}, "type": "object"},
    },
    "required": ["name", "url", "description"],
    "type": "object",
}
CATALOG = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "additionalProperties": False,
    "properties": {
        "$schema": {"enum": ["https://json.schemastore.org/schema-catalog.json"],
                    "type": "string"},
        "schemas": {"items": CATALOG_ITEM, "type": "array"},
        "version": {"type": "number"},
    },
    "required": ["schemas", "version", "$schema"],
    "type": "object",
}
ENTRY = ROOT / "schema" / "schemastore-catalog-entry.json"


def _entry() -> dict[str, object]:
    data: dict[str, object] = json.loads(ENTRY.read_text())
    return data


def test_schema_has_a_stable_https_id() -> None:
    committed = json.loads((ROOT / "schema" / "mlopsc-v1.json").read_text())
    assert committed["$id"] == json_schema()["$id"] == SCHEMA_ID
    assert SCHEMA_ID.startswith("https://") and SCHEMA_ID.endswith("/mlopsc-v1.json")


def test_catalog_entry_is_valid_in_a_schemastore_catalog() -> None:
    catalog = {"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1,
               "schemas": [_entry()]}
    jsonschema.Draft4Validator(CATALOG, format_checker=jsonschema.FormatChecker()).validate(
        catalog)


def test_catalog_entry_points_at_the_id_and_matches_spec_files() -> None:
    entry = _entry()
    assert entry["url"] == SCHEMA_ID
    assert entry["fileMatch"] == ["mlops.yaml", "mlops.yml"]
    assert entry["versions"] == {"v1": SCHEMA_ID}


def test_catalog_check_fails_on_a_bad_entry() -> None:
    bad = {**_entry(), "url": "http://insecure.example/x.json"}
    del bad["description"]
    errors = list(jsonschema.Draft4Validator(CATALOG_ITEM).iter_errors(bad))
    assert {e.validator for e in errors} == {"pattern", "required"}
