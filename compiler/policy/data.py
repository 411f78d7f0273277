"""Organisation data for policies (``--data FILE``): JSON or YAML objects, merged in order.

Data files are read with the spec's limits (see ``docs/security.md``): a regular file
(never a FIFO or a device, which could block), at most 64 MiB, parsed by the spec's YAML
loader (YAML 1.2 core schema, so dates stay strings; nesting, aliases in nodes and bytes,
and numbers bounded). NaN and infinities are refused: no JSON or Rego engine holds them.
"""

from __future__ import annotations

import math
from typing import Any

from mlopsc.policy.errors import PolicyBundleError


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base``; objects merge, anything else replaces.

    >>> merge({"a": {"x": 1, "y": 2}, "b": 1}, {"a": {"y": 3}, "c": 4})
    {'a': {'x': 1, 'y': 3}, 'b': 1, 'c': 4}
    """
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_data(paths: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """Every data file merged, later files winning; each must hold an object.

    Raises :class:`PolicyBundleError` (exit 2) naming the file and the first problem.
    """
    merged: dict[str, Any] = {}
    for name in paths:
        merged = merge(merged, read_data(name))
    return merged


def load_checked(paths: tuple[str, ...] | list[str], diagnostics: Any) -> dict[str, Any]:
    """Like :func:`load_data`; each file is also checked against the organisation data
    schema, its problems reported as coded errors at its lines (see ``org_data``)."""
    from mlopsc.policy.org_data import report_file

    merged: dict[str, Any] = {}
    for name in paths:
        document, positions, text = read_data_tree(name)
        report_file(name, document, positions, text, diagnostics)
        merged = merge(merged, document)
    return merged


def read_data(name: str) -> dict[str, Any]:
    """One data file as a mapping (JSON is YAML, so one loader reads both)."""
    return read_data_tree(name)[0]


def read_data_tree(name: str) -> tuple[dict[str, Any], Any, str]:
    """One data file as a mapping, with its positions tree and its text (for findings)."""
    from mlopsc.diagnostics import Diagnostics
    from mlopsc.reading.safe_read import MAX_BYTES, TooLarge, read_regular
    from mlopsc.reading.yaml_events import build_tree

    try:
        data = read_regular(name, MAX_BYTES)
    except TooLarge as error:
        raise PolicyBundleError(f"cannot read policy data {name}: {error.size} bytes, over the "
                                f"limit of {MAX_BYTES}") from None
    except OSError as error:
        raise PolicyBundleError(f"cannot read policy data {name}: "
                                f"{error.strerror or error}") from None
    found = Diagnostics()
    try:
        tree = build_tree(data, name, found)
    except UnicodeDecodeError:
        tree = None
    problems = [d for d in found.sorted() if d.severity.label == "error"]
    if problems or tree is None or tree.document is None:
        first = problems[0] if problems else None
        where = f"{first.span}: " if first and first.span else ""
        reason = f"{where}{first.code} {first.message}" if first else "not UTF-8 YAML or JSON"
        if first and first.code == "E113":
            reason = f"it must hold an object (a mapping); {reason}"
        raise PolicyBundleError(f"cannot read policy data {name}: {reason}")
    _no_nan(tree.document, name)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return tree.document, tree.positions, text


def _no_nan(document: dict[str, Any], name: str) -> None:
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise PolicyBundleError(f"cannot read policy data {name}: {path or 'the document'} "
                                    f"is {value}, which policies cannot use")
        if isinstance(value, dict):
            pending.extend((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
