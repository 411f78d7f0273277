"""A strict check of OpenLineage events against openlineage-python's own generated models.

``openlineage.client.generated`` holds attrs classes that the OpenLineage project generates
from the spec's JSON schemas; each one's ``_get_schema()`` is the schema URL it was made from.
The spec's schema files ship in no package (see tests/fixtures/openlineage/SOURCE.md), so
these models stand in for them:

- :func:`check_event` walks an event (a JSON-ready dict) against the classes by their
  resolved type hints: required fields present, no unknown key, exact scalar types, enums by
  value, lists and dicts item by item, no ``null``; every facet under its spec key, with the
  ``_schemaURL`` of the generated class exactly; the event's ``schemaURL`` is the one
  ``event_v2`` writes for its kind.
- :func:`round_trip` builds the client's own objects from the dict (their validators run)
  and serializes them with ``Serde.to_dict``, for the caller to compare with the original.

Every failure is a :class:`ModelError` naming the JSON path and the reason.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from typing import Any

import attr
from openlineage.client.event_v2 import DatasetEvent, JobEvent, RunEvent
from openlineage.client.facet_v2 import (
    BaseFacet,
    dataset_version_dataset,
    documentation_dataset,
    documentation_job,
    job_type_job,
    ownership_dataset,
    ownership_job,
    schema_dataset,
    tags_dataset,
    tags_job,
    tags_run,
)
from openlineage.client.serde import Serde

EVENTS: dict[str, type] = {cls._get_schema(): cls for cls in (RunEvent, JobEvent, DatasetEvent)}
"""The ``schemaURL`` event_v2 writes -> the event class (OpenLineage.json 2-0-2)."""

FACET_KEYS: dict[str, tuple[type[BaseFacet], ...]] = {
    # The key each facet's schema file declares under its top-level `properties` (e.g.
    # DatasetVersionDatasetFacet.json: "version"); the generated code does not keep it.
    "schema": (schema_dataset.SchemaDatasetFacet,),
    "version": (dataset_version_dataset.DatasetVersionDatasetFacet,),
    "tags": (tags_dataset.TagsDatasetFacet, tags_job.TagsJobFacet, tags_run.TagsRunFacet),
    "ownership": (ownership_dataset.OwnershipDatasetFacet, ownership_job.OwnershipJobFacet),
    "documentation": (documentation_dataset.DocumentationDatasetFacet,
                      documentation_job.DocumentationJobFacet),
    "jobType": (job_type_job.JobTypeJobFacet,),
}
"""Facet key -> the generated facet classes that may stand under it."""

REQUIRED_WITH_DEFAULT = frozenset({"producer", "schemaURL", "_producer", "_schemaURL"})
"""Required by the spec (BaseEvent, BaseFacet) although the models give them defaults."""

URIS = REQUIRED_WITH_DEFAULT
"""Fields whose spec format is ``uri``: the models only ``urlparse`` them, which accepts any
string, so :data:`URI` checks them."""

URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*")
"""An RFC 3986 URI: a scheme (section 3.1), then only characters the grammar allows
(unreserved, reserved, percent-encoded)."""


class ModelError(ValueError):
    """An event that openlineage-python's models do not accept, at ``path``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def check_event(event: Any) -> type:
    """Check ``event`` strictly; returns its event class, raises :class:`ModelError`."""
    cls = _event_class(event)
    _check_object(event, cls, "$")
    return cls


def round_trip(event: dict[str, Any]) -> dict[str, Any]:
    """The event built as the client's objects and serialized by ``Serde.to_dict``."""
    cls = check_event(event)
    try:
        built = _build(event, cls)
    except (TypeError, ValueError) as exc:  # the models' own validators
        raise ModelError("$", f"openlineage-python rejects it: {exc}") from exc
    return Serde.to_dict(built)


def _event_class(event: Any) -> type:
    if not isinstance(event, dict):
        raise ModelError("$", "an event is a JSON object")
    url = event.get("schemaURL")
    if not isinstance(url, str) or url not in EVENTS:
        raise ModelError("$.schemaURL", f"{url!r} is not the schemaURL openlineage-python "
                                        "writes for a RunEvent, JobEvent or DatasetEvent")
    return EVENTS[url]


def _hints(cls: type) -> dict[str, Any]:
    # Each class's annotations resolved in its own module's namespace (and its bases').
    return typing.get_type_hints(cls)


def _check_object(value: Any, cls: type, path: str) -> None:
    if not isinstance(value, dict):
        raise ModelError(path, f"{cls.__name__} is a JSON object, not {type(value).__name__}")
    fields, hints = attr.fields(cls), _hints(cls)
    for key in value:
        if key not in {f.name for f in fields}:
            raise ModelError(f"{path}.{key}", f"unknown key: {cls.__name__} has no such field")
    for f in fields:
        if f.name in value:
            _check_value(value[f.name], hints[f.name], f"{path}.{f.name}")
            if f.name in URIS and not URI.fullmatch(value[f.name]):
                raise ModelError(f"{path}.{f.name}", f"{value[f.name]!r} is not a URI")
        elif f.default is attr.NOTHING or f.name in REQUIRED_WITH_DEFAULT:
            raise ModelError(f"{path}.{f.name}", f"required field of {cls.__name__} missing")


def _optional(hint: Any) -> Any:
    """``X | None`` -> ``X``; null itself is refused before (the client never writes it)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _check_value(value: Any, hint: Any, path: str) -> None:
    hint = _optional(hint)
    if value is None:
        raise ModelError(path, "null: the spec's types have no null and the client drops it")
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        if not isinstance(value, list):
            raise ModelError(path, f"a list, not {type(value).__name__}")
        for i, item in enumerate(value):
            _check_value(item, args[0], f"{path}[{i}]")
    elif origin is dict:
        _check_dict(value, args[1], path)
    elif isinstance(hint, type) and attr.has(hint) and not issubclass(hint, BaseFacet):
        _check_object(value, hint, path)
    else:
        _check_scalar(value, hint, path)


def _check_dict(value: Any, item_hint: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise ModelError(path, f"a JSON object, not {type(value).__name__}")
    for key, item in value.items():
        if isinstance(item_hint, type) and issubclass(item_hint, BaseFacet):
            _check_object(item, _facet_class(key, item, item_hint, f"{path}.{key}"),
                          f"{path}.{key}")
        else:
            _check_value(item, item_hint, f"{path}.{key}")


def _check_scalar(value: Any, hint: Any, path: str) -> None:
    if hint is Any:
        return
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        allowed = [m.value for m in hint]
        if value not in allowed or type(value) is not type(allowed[0]):
            raise ModelError(path, f"{value!r} is not a {hint.__name__}: one of {allowed}")
        return
    exact = {str: (str,), bool: (bool,), int: (int,), float: (int, float)}.get(hint)
    if exact is None:
        raise ModelError(path, f"type hint {hint!r} is not one this checker knows")
    if type(value) not in exact:
        raise ModelError(path, f"{value!r} is a {type(value).__name__}, the model wants "
                               f"{hint.__name__}")


def _facet_class(key: str, facet: Any, base: type, path: str) -> type[BaseFacet]:
    """The generated class of a facet: its key and ``_schemaURL`` together name it."""
    candidates = [c for c in FACET_KEYS.get(key, ()) if issubclass(c, base)]
    if not candidates:
        raise ModelError(path, f"no {base.__name__} of openlineage-python has the key {key!r}")
    url = facet.get("_schemaURL") if isinstance(facet, dict) else None
    for cls in candidates:
        if cls._get_schema() == url:
            return cls
    known = [c._get_schema() for c in candidates]
    raise ModelError(f"{path}._schemaURL", f"{url!r} is not the schema URL of the "
                                           f"{key!r} facet openlineage-python knows: {known}")


def _build(value: Any, hint: Any) -> Any:
    """The client's object for ``value`` (already checked) of type ``hint``."""
    hint = _optional(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return [_build(item, args[0]) for item in value]
    if origin is dict:
        facets = isinstance(args[1], type) and issubclass(args[1], BaseFacet)
        return {k: _build(v, _facet_class(k, v, args[1], k) if facets else args[1])
                for k, v in value.items()}
    if isinstance(hint, type) and attr.has(hint):
        hints = _hints(hint)
        return hint(**{f.alias: _build(value[f.name], hints[f.name])
                       for f in attr.fields(hint) if f.init and f.name in value})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    return value
