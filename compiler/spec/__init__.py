"""The public spec types (`apiVersion: mlopsc/v1`), mirroring the YAML users write."""

from typing import Any

from mlopsc.spec.document import API_VERSION, Spec

__all__ = ["API_VERSION", "SCHEMA_ID", "Spec", "json_schema"]

SCHEMA_ID = "https://mlopsc.dev/schema/mlopsc-v1.json"
"""Where the spec's JSON Schema is published (its ``$id``; schema/README.md)."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a spec document, for editors (yaml-language-server)."""
    schema = Spec.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "mlopsc spec (mlopsc/v1)"
    return schema
