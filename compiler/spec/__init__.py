"""The public spec types (`apiVersion: mlopsc/v1`), mirroring the YAML users write."""

from typing import Any

from mlopsc.spec.document import API_VERSION, Spec

__all__ = ["API_VERSION", "Spec", "json_schema"]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a spec document, for editors (yaml-language-server)."""
    schema = Spec.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlopsc spec (mlopsc/v1)"
    return schema
