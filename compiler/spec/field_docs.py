"""Field descriptions from attribute docstrings, read only when documentation is made.

Spec models document each field with a string literal under its annotation. pydantic can
collect those itself (``use_attribute_docstrings``), but it does so for every model at import
time by finding and parsing the source, which was a sixth of ``mlopsc validate``. Only the
JSON Schema and docs/spec.md read the descriptions, so they are collected here, on demand,
with pydantic's rule: a description given through ``Field`` (or an annotated type) wins.
"""

from __future__ import annotations

import ast
import inspect
import sys
from functools import cache
from itertools import pairwise
from typing import Any

from pydantic import BaseModel


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> docstring, inherited ones included (a subclass's own win).

    >>> from mlopsc.spec.governance import Metadata
    >>> field_docs(Metadata)["name"]
    "The platform's name."
    """
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            docs.update(_class_docs(cls.__module__, cls.__qualname__))
    return docs


def description(model: type[BaseModel], name: str) -> str | None:
    """The description of one field, as pydantic would have set it from the docstring."""
    info = model.model_fields[name]
    return info.description if info.description is not None else field_docs(model).get(name)


def add_to_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """``json_schema_extra`` hook of the spec models: describe properties from docstrings."""
    properties = schema.get("properties", {})
    docs = field_docs(model)
    for name, info in model.model_fields.items():
        prop = properties.get(info.alias or name)
        if prop is not None and info.description is None and name in docs:
            prop.setdefault("description", docs[name])


@cache
def _class_docs(module: str, qualname: str) -> dict[str, str]:
    node = _classes(module).get(qualname)
    if node is None:
        return {}
    docs: dict[str, str] = {}
    for stmt, following in pairwise(node.body):
        if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            docs[stmt.target.id] = inspect.cleandoc(following.value.value)
    return docs


@cache
def _classes(module: str) -> dict[str, ast.ClassDef]:
    try:
        source = inspect.getsource(sys.modules[module])
    except (KeyError, OSError, TypeError):
        return {}
    found: dict[str, ast.ClassDef] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for stmt in body:
            if isinstance(stmt, ast.ClassDef):
                found[prefix + stmt.name] = stmt
                visit(stmt.body, f"{prefix}{stmt.name}.")

    visit(ast.parse(source).body, "")
    return found
