"""Walks a validated spec, yielding every value whose field carries a ValueKind marker."""

from __future__ import annotations

import typing
from functools import cache
from typing import Any

from pydantic import BaseModel

from mlopsc.source import Path
from mlopsc.spec.common import ValueKind


def _kind_of(annotation: Any, metadata: list[Any]) -> ValueKind | None:
    for item in metadata:
        if isinstance(item, ValueKind):
            return item
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        return _kind_of(args[0], list(args[1:]))
    for arg in typing.get_args(annotation):
        found = _kind_of(arg, [])
        if found is not None:
            return found
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, ValueKind | None], ...]:
    """The fields worth visiting: marked ones, and those that can hold marked ones."""
    out = []
    for name, info in model.model_fields.items():
        kind = _kind_of(info.annotation, list(info.metadata))
        if kind is not None or any(_has_kinds(m) for m in _models_in(info.annotation)):
            out.append((name, info.alias or name, kind))
    return tuple(out)


@cache
def _has_kinds(model: type[BaseModel]) -> bool:
    return bool(_fields(model))


def walk_kinds(model: BaseModel, path: Path = ()) -> list[tuple[Path, Any, ValueKind]]:
    """Every ``(path, value, kind)`` of a marked value present in ``model``.

    Values left at their defaults are not included: they did not come from the user.
    Sub-models that cannot hold a marked value are not visited at all.
    """
    found: list[tuple[Path, Any, ValueKind]] = []
    _walk_model(model, path, found)
    return found


def _walk_model(model: BaseModel, path: Path, found: list[Any]) -> None:
    present = model.__pydantic_fields_set__
    for name, alias, kind in _fields(type(model)):
        if name in present:
            _walk_value(getattr(model, name), path + (alias,), kind, found)


def _walk_value(value: Any, path: Path, kind: ValueKind | None, found: list[Any]) -> None:
    if isinstance(value, BaseModel):
        _walk_model(value, path, found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk_value(item, path + (i,), kind, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk_value(item, path + (key,), kind, found)
    elif kind is not None and value is not None:
        found.append((path, value, kind))
