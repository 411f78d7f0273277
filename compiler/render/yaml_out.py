"""A small, fast YAML writer for rule files: block style, keys in the order given.

Rule files hold tens of thousands of small mappings for a large spec, and PyYAML's
emitter dominated the compile time; this writer covers exactly the values rules use
(dicts, lists, strings, numbers, booleans) and quotes every string that a YAML 1.1 or
1.2 reader could take for anything but that string.

>>> print(dump({"groups": [{"name": "a", "rules": [{"expr": 'up{job="x"} == 0'}]}]}), end="")
groups:
- name: a
  rules:
  - expr: 'up{job="x"} == 0'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

from mlopsc.render.escape import double_quoted

# Strings that read back as themselves in every YAML version when written plain.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*|[0-9]+(?:ms|[smhdwy])")
_AMBIGUOUS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def dump(value: object, sort_keys: bool = False) -> str:
    """The YAML text of ``value`` (a mapping at the top); ``sort_keys`` writes every
    mapping's keys sorted (lists keep their order), else in the order given."""
    lines: list[str] = []
    _block(value, 0, lines, sort_keys)
    return "\n".join(lines) + "\n"


def scalar(value: object) -> str:
    """One scalar: plain when unambiguous, single-quoted for printable one-line text
    (queries read best that way), double-quoted with escapes otherwise."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        text = repr(value)
        # YAML 1.1 readers (PyYAML) want a dot in the mantissa: 1e-05 would be a string.
        return text.replace("e", ".0e") if "e" in text and "." not in text else text
    return _string(str(value))


@lru_cache(maxsize=1 << 16)  # label names and values repeat across thousands of rules
def _string(text: str) -> str:
    if _PLAIN.fullmatch(text) and text.lower() not in _AMBIGUOUS:
        return text
    if text.isprintable() and text == text.strip() and text:
        return "'" + text.replace("'", "''") + "'"
    return double_quoted(text)




def _block(value: object, indent: int, lines: list[str], sort: bool) -> None:
    # Written for speed: a large spec's rules are hundreds of thousands of entries.
    pad = " " * indent
    if type(value) is dict:
        for key, item in (sorted(value.items()) if sort else value.items()):
            kind = type(item)
            if kind is str:
                lines.append(f"{pad}{_string(key)}: {_string(item)}")
            elif kind is dict or kind is list or kind is tuple:
                _nested(f"{pad}{_string(key)}:", item, indent + 2, lines, sort)
            else:
                lines.append(f"{pad}{_string(key)}: {scalar(item)}")
        return
    # Not a mapping: a list or tuple (the callers pass only those three kinds).
    for item in cast(Iterable[Any], value):
        kind = type(item)
        if kind is str:
            lines.append(f"{pad}- {_string(item)}")
        elif (kind is dict or kind is list or kind is tuple) and item:
            first = len(lines)
            _block(item, indent + 2, lines, sort)
            lines[first] = f"{pad}- {lines[first][indent + 2:]}"
        elif kind is dict or kind is list or kind is tuple:
            lines.append(f"{pad}- {'{}' if kind is dict else '[]'}")
        else:
            lines.append(f"{pad}- {scalar(item)}")


def _nested(head: str, item: dict[str, Any] | list[Any] | tuple[Any, ...], indent: int,
            lines: list[str],
            sort: bool) -> None:
    if not item:
        lines.append(f"{head} {'{}' if type(item) is dict else '[]'}")
        return
    lines.append(head)
    # Sequences under a mapping key sit at the key's indent (the common rule-file style).
    _block(item, indent if type(item) is dict else indent - 2, lines, sort)
