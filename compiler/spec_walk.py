"""Walks a validated spec, yielding every value whose field carries a ValueKind marker."""

from __future__ import annotations

import typing
from collections.abc import Iterator
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


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, ValueKind | None], ...]:
    out = []
    for name, info in model.model_fields.items():
        kind = _kind_of(info.annotation, list(info.metadata))
        out.append((name, info.alias or name, kind))
    return tuple(out)


def walk_kinds(model: BaseModel, path: Path = ()) -> Iterator[tuple[Path, Any, ValueKind]]:
    """Yield ``(path, value, kind)`` for every marked value present in ``model``.

    Values left at their defaults are not yielded: they did not come from the user.
    """
    present = model.model_fields_set
    for name, alias, kind in _fields(type(model)):
        if name not in present:
            continue
        value = getattr(model, name)
        yield from _walk_value(value, path + (alias,), kind)


def _walk_value(value: Any, path: Path, kind: ValueKind | None) -> Iterator:
    if isinstance(value, BaseModel):
        yield from walk_kinds(value, path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_value(item, path + (i,), kind)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_value(item, path + (key,), kind)
    elif kind is not None and value is not None:
        yield path, value, kind
