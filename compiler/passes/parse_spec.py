"""Pass: validate the loaded document against the spec models (pydantic).

Pydantic's errors are rewritten into coded diagnostics at the user's line, with a
did-you-mean for misspelled fields and enum values.
"""

from __future__ import annotations

import difflib
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path
from mlopsc.spec import API_VERSION, Spec

_TYPE_ERRORS = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}
_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
_LENGTH_ERRORS = {"too_short", "too_long", "string_too_short", "string_too_long"}


def parse_spec(document: dict[str, Any], diagnostics: Diagnostics) -> Spec | None:
    """Validate ``document``; return the spec, or ``None`` after reporting why not.

    When every error lies in an entity (``models.m``), the spec of the other entities is
    returned after the report, so that the checks and the policy gate judge them in the
    same run (the entities with errors are then missing from it).

    >>> from mlopsc.diagnostics import Diagnostics
    >>> bag = Diagnostics()
    >>> parse_spec({"apiVersion": "mlopsc/v2"}, bag) is None, [d.code for d in bag]
    (True, ['E201'])
    """
    version = document.get("apiVersion")
    if version != API_VERSION:
        _report_api_version(version, document, diagnostics)
        return None
    try:
        return Spec.model_validate(document)
    except ValidationError as error:
        _report(error, document, diagnostics)
        return _without_broken_entities(document, error)


def _without_broken_entities(document: dict[str, Any], error: ValidationError) -> Spec | None:
    """The spec without the entities the errors lie in; ``None`` when an error lies outside
    every entity (``metadata``, ``governance``, a whole section) or the rest fails too."""
    from mlopsc.passes.lower import entity_of
    from mlopsc.source import format_path

    broken: dict[str, set[str]] = {}
    for item in error.errors(include_url=False):
        entity = entity_of(format_path(_data_path(item["loc"], document)))
        if entity is None:
            return None
        broken.setdefault(entity[0], set()).add(entity[1])
    rest = dict(document)
    for section, names in broken.items():
        rest[section] = {k: v for k, v in rest[section].items() if k not in names}
    try:
        return Spec.model_validate(rest)
    except ValidationError:
        return None


def _report_api_version(version: object, document: dict[str, Any],
                        diagnostics: Diagnostics) -> None:
    if "apiVersion" not in document:
        diagnostics.add("E203", "missing required field 'apiVersion'", path=(),
                        hint=f"add `apiVersion: {API_VERSION}` as the first line")
        return
    diagnostics.add("E201", f"unknown apiVersion {version!r}; this mlopsc reads {API_VERSION!r}",
                    path=("apiVersion",), hint=f"use `apiVersion: {API_VERSION}`")


def _report(error: ValidationError, document: dict[str, Any], diagnostics: Diagnostics) -> None:
    seen: set[Path] = set()
    # A NaN in a union (`str | float`) fails every member; its real problem is the NaN.
    items = sorted(error.errors(include_url=False), key=lambda i: i["type"] != "finite_number")
    for item in items:
        path = _data_path(item["loc"], document)
        kind = item["type"]
        if kind == "missing":
            key = path + (item["loc"][-1],) if _is_model_field(item["loc"]) else path
            path = key
        if path in seen:
            continue  # one report per place: unions otherwise report every alternative
        seen.add(path)
        _report_one(kind, item, path, document, diagnostics)


def _report_one(kind: str, item: ErrorDetails, path: Path, document: dict[str, Any],
                bag: Diagnostics) -> None:
    name = str(path[-1]) if path else "document"
    if kind == "extra_forbidden":
        known = sorted(_field_names(_model_for(path[:-1])))
        guess = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else (
            f"known fields: {', '.join(known)}" if known else None)
        bag.add("E202", f"unknown field '{name}'", path=path, key=True, hint=hint)
    elif kind == "missing":
        bag.add("E203", f"missing required field '{name}'", path=path)
    elif kind in ("enum", "literal_error"):
        allowed = _allowed_values(item)
        given = str(item.get("input"))
        guess = difflib.get_close_matches(given, allowed, n=1, cutoff=0.5)
        hint = f"did you mean '{guess[0]}'?" if guess else None
        bag.add("E205", f"{name}: {given!r} is not one of: {', '.join(allowed)}",
                path=path, hint=hint)
    elif kind in _TYPE_ERRORS or kind in ("union_tag_invalid", "union_type"):
        expected = _TYPE_ERRORS.get(kind, "another form")
        value = item.get("input")
        bag.add("E204", f"{name}: expected {expected}, got {_describe(value)}",
                path=path, hint=_type_hint(name, expected, value, bag, path))
    elif kind == "mlopsc_coded":  # a spec model's own check names its code and hint
        ctx = item.get("ctx") or {}
        where = f"{path[-2]}[{name}]" if len(path) > 1 and isinstance(path[-1], int) else name
        bag.add(ctx["code"], f"{where}: {item['msg']}", path=path, hint=ctx.get("hint"))
    elif kind == "finite_number":
        value = item.get("input")
        spelled = ".nan" if value != value else (".inf" if str(value)[0] != "-" else "-.inf")
        where = f"{path[-2]}[{name}]" if len(path) > 1 and isinstance(path[-1], int) else name
        bag.add("E208", f"{where}: {spelled} is not a finite number", path=path,
                hint="write a finite number; quote it if the text is meant")
    elif kind in _RANGE_ERRORS:
        bag.add("E206", f"{name}: {item.get('input')!r} is out of range ({_bound(item)})",
                path=path)
    elif kind in _LENGTH_ERRORS:
        bag.add("E207", f"{name}: {_lower_first(item['msg'])}", path=path)
    else:
        bag.add("E207", f"{name}: {_lower_first(item['msg'])}", path=path)


def _type_hint(name: str, expected: str, value: Any, bag: Diagnostics, path: Path) -> str:
    """What to write instead, for the pair (expected type, value found).

    >>> hint = lambda expected, value: _type_hint("monitors", expected, value, Diagnostics(), ())
    >>> hint("a mapping", None)
    "'monitors' has nothing under it: indent its fields below it, or delete the line"
    >>> hint("a list", {"a": 1})
    "write each item of 'monitors' on its own line starting with '- '"
    """
    if expected == "a string" and isinstance(value, (int, float, bool)):
        return f'quote it: "{_as_written(bag, path) or _yaml_text(value)}"'
    if value is None:
        return f"'{name}' has nothing under it: indent its fields below it, or delete the line"
    if expected == "a mapping":
        if isinstance(value, list):
            return f"write '{name}' as `key: value` lines, without the '- ' of list items"
        return f"write the fields of '{name}' indented on the lines below it"
    if expected == "a list":
        return f"write each item of '{name}' on its own line starting with '- '"
    if expected in ("an integer", "a number") and isinstance(value, str):
        return "write the number without quotes or units"
    if expected == "true or false":
        return "write true or false, without quotes"
    if expected == "a string":
        return (f"write '{name}' as a single text value; quote it if it holds ': ' or starts "
                "with '-'")
    return f"`mlopsc explain E204` and docs/spec.md list the forms '{name}' accepts"


def _data_path(loc: tuple[Any, ...], document: Any) -> Path:
    """Keep the parts of a pydantic location that index the input (drops union tags)."""
    path: list[str | int] = []
    node = document
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def _is_model_field(loc: tuple[Any, ...]) -> bool:
    return bool(loc) and isinstance(loc[-1], str)


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_for(path: Path) -> type[BaseModel] | None:
    """The spec model that holds the fields at ``path`` (for did-you-mean)."""
    candidates: list[Any] = [Spec]
    for part in path:
        following: list[Any] = []
        for current in candidates:
            following.extend(_step(current, part))
        candidates = following
    for current in candidates:
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current
    return None


def _step(current: Any, part: str | int) -> list[Any]:
    if isinstance(current, type) and issubclass(current, BaseModel):
        for field_name, info in current.model_fields.items():
            if part in (field_name, info.alias):
                return _unwrap(info.annotation)
        return []
    origin = typing.get_origin(current)
    args = typing.get_args(current)
    if origin is dict and args:
        return _unwrap(args[1])
    if origin is list and args:
        return _unwrap(args[0])
    return []


def _field_names(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _allowed_values(item: ErrorDetails) -> list[str]:
    expected = (item.get("ctx") or {}).get("expected", "")
    parts = expected.replace(" or ", ", ").split(",")
    return [part.strip(" '\"") for part in parts if part.strip()]


def _bound(item: ErrorDetails) -> str:
    ctx = item.get("ctx") or {}
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    return ", ".join(f"must be {symbols[k]} {v}" for k, v in ctx.items() if k in symbols)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) < 40 else "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Enum):
        return repr(value.value)
    return type(value).__name__


def _as_written(bag: Diagnostics, path: Path) -> str | None:
    """The value's text as it stands in the file (``1.10``, not the number 1.1)."""
    span = bag.index.locate(path)
    if span is None:
        return None
    line = bag.index.source_line(span.file, span.line)
    if line is None or span.end_line != span.line:
        return None
    return line[span.column - 1:span.end_column - 1] or None


def _yaml_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
