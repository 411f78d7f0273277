"""Organisation data for policies (``--data FILE``): JSON or YAML objects, merged in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
    """Every data file merged, later files winning; each must hold an object."""
    merged: dict[str, Any] = {}
    for name in paths:
        try:
            # JSON is YAML, so one loader reads both.
            value = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise PolicyBundleError(f"cannot read policy data {name}: "
                                    f"{str(error).splitlines()[0]}") from None
        if not isinstance(value, dict):
            raise PolicyBundleError(f"policy data {name} must hold an object (a mapping)")
        merged = merge(merged, value)
    return merged
