"""Every string of the spec, whatever its field: characters no target can carry.

One walk over the validated spec, not a rule per field, so that a field added later is
covered too:

- strings: no control character (C0, DEL, C1), no U+2028/U+2029 (YAML 1.1 and JavaScript
  read them as line breaks) and no lone surrogate (UTF-8 cannot encode one). Free text,
  marked :data:`~mlopsc.spec.common.MULTILINE` (descriptions, model-card sections, reasons,
  command arguments, environment values), may hold line breaks and tabs. Mapping keys are
  names: they may hold nothing of the kind.

(NaN and the infinities are refused earlier, by the schema: ``allow_inf_nan=False``.)
"""

from __future__ import annotations

import re
import typing
import unicodedata
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path
from mlopsc.spec import Spec
from mlopsc.spec.common import MULTILINE

_SINGLE_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MULTILINE_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}


def check_scalars(spec: Spec, bag: Diagnostics) -> None:
    """Report control characters in strings (values and mapping keys), at their spans."""
    _walk_model(spec, (), bag)


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """``(name, alias, multiline)`` of each field of ``model``."""
    return tuple((name, info.alias or name, _multiline(info.annotation, info.metadata))
                 for name, info in model.model_fields.items())


def _multiline(annotation: Any, metadata: list[Any]) -> bool:
    if any(item is MULTILINE for item in metadata):
        return True
    return any(_multiline(arg, []) for arg in typing.get_args(annotation)) or (
        typing.get_origin(annotation) is typing.Annotated
        and MULTILINE in typing.get_args(annotation)[1:])


def _walk_model(model: BaseModel, path: Path, bag: Diagnostics) -> None:
    present = model.__pydantic_fields_set__
    values = model.__dict__
    for name, alias, multiline in _fields(type(model)):
        if name in present:
            _walk(values[name], path, alias, multiline, bag)


def _walk(value: Any, parent: Path, part: str | int, multiline: bool,
          bag: Diagnostics) -> None:
    """Check ``value``, found at ``parent + (part,)`` (built only when needed: most values
    are clean strings, and a spec of 1,000 models has some 200,000 of them)."""
    kind = type(value)
    if kind is str:
        if not value.isprintable():  # fast path: printable text holds nothing to report
            _string(value, parent + (part,), multiline, bag)
    elif kind is dict:
        path = parent + (part,)
        for key, item in value.items():
            if type(key) is str and not key.isprintable():
                _string(key, path + (key,), False, bag, key=True)
            _walk(item, path, key, multiline, bag)
    elif kind is list or kind is tuple:
        path = parent + (part,)
        for i, item in enumerate(value):
            _walk(item, path, i, multiline, bag)
    elif isinstance(value, BaseModel):
        _walk_model(value, parent + (part,), bag)
    elif isinstance(value, str) and not isinstance(value, Enum):
        _string(value, parent + (part,), multiline, bag)


def _string(text: str, path: Path, multiline: bool, bag: Diagnostics, *,
            key: bool = False) -> None:
    found = (_MULTILINE_BAD if multiline else _SINGLE_LINE_BAD).search(text)
    if found is None:
        if not multiline:
            _invisible(text, path, bag, key=key)
        return
    char = found.group()
    what = _NAMES.get(char, f"the control character U+{ord(char):04X}")
    where = "key" if key else "value"
    if multiline:
        hint = "free text may hold line breaks and tabs, and no other control character"
    else:
        hint = ("names, labels, images, namespaces and other single-line values may hold no "
                "line break, tab or control character")
    bag.add("E330", f"{_name(path[:-1] if key else path)}: the {where} holds {what} (at character "
            f"{found.start() + 1})", path=path, key=key, hint=hint)


def _invisible(text: str, path: Path, bag: Diagnostics, *, key: bool) -> None:
    """Single-line values hold no invisible format character (zero-width space, soft
    hyphen, BOM, bidi controls: Unicode category Cf) and no space but U+0020: with one,
    ``alice`` and ``alice\u200b`` would be two approvers, or an owner approve their own
    waiver, while both print alike."""
    for i, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cf" or (category == "Zs" and char != " "):
            kind = "the invisible character" if category == "Cf" else "the space"
            bag.add("E330", f"{_name(path[:-1] if key else path)}: the "
                    f"{'key' if key else 'value'} holds {kind} U+{ord(char):04X} (at "
                    f"character {i + 1})", path=path, key=key,
                    hint="names, people, labels and other single-line values are written "
                         "with visible characters and plain spaces only")
            return


def _name(path: Path) -> str:
    """The field's name, with any control character escaped (it is printed to terminals)."""
    text = str(path[-2] if path and isinstance(path[-1], int) and len(path) > 1 else
               path[-1]) if path else "document"
    return _SINGLE_LINE_BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
