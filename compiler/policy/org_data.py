"""Organisation data checked against its published JSON Schema (``schema/org-data.json``).

``--data`` files hold what an organisation decides: thresholds, allowed registries,
mandatory rules, waiver terms and approvers. A value of the wrong type would not fail in
Rego, it would switch a rule off (a quoted ``"50"`` never compares with a number), so each
file is validated with ``jsonschema`` and every problem is a coded error at the file's line:
E407 (wrong type or value), E408 (unknown key). The spec's ``governance.data`` is checked
against the same schema, and may not set what only the organisation decides, nor widen
the organisation's ``allowed_registries`` (E409).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import SourceIndex, format_path

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "org-data.json"
ORG_ONLY = ("mandatory_rules", "waivers", "custom")
"""Keys only organisation data may set: the spec under review cannot set its own terms."""
_RETIRED = {"production_environments": "environments declare `tier: production` instead; "
                                       "rules key on the tier, never on names"}


@functools.cache
def schema() -> dict[str, Any]:
    """The published schema of organisation data."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


Problem = tuple[str, str, tuple[str | int, ...], str | None]
"""(code, message, path inside the document, hint)."""


def problems(document: Any) -> list[Problem]:
    """Every way ``document`` departs from the schema, sorted by path.

    >>> [p[:3] for p in problems({"max_retries": "3", "canary_max_first_wieght": 5})]
    [('E408', "unknown key 'canary_max_first_wieght'", ('canary_max_first_wieght',)), \
('E407', "max_retries: '3' is not of type 'integer'", ('max_retries',))]
    """
    out = [p for error in _validator().iter_errors(document) for p in _explain(error)]
    return sorted(out, key=lambda p: (format_path(p[2]), p[0]))


def _explain(error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    rule = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(rule.get("properties", {}))
        for key in sorted(k for k in error.instance if k not in known):
            yield "E408", f"unknown key {key!r}", (*path, key), _unknown_hint(key, known)
        return
    where = format_path(path) or "the document"
    value = error.instance
    hint = None
    if error.validator == "type" and isinstance(value, str) and _numeric(value):
        hint = "write the number without quotes: a quoted number is text, and never compares"
    elif error.validator == "enum" and isinstance(error.validator_value, list):
        hint = "use one of: " + ", ".join(map(str, error.validator_value))
    yield "E407", f"{where}: {error.message}", path, hint


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unknown_hint(key: str, known: list[str]) -> str:
    if key in _RETIRED:
        return f"'{key}' is no longer read: {_RETIRED[key]}"
    guess = difflib.get_close_matches(key, known, n=1)
    if guess:
        return f"did you mean '{guess[0]}'?"
    return "known keys: " + ", ".join(known) + "; data for your own bundles goes under `custom`"


def report_file(name: str, document: Any, positions: Any, text: str,
                diagnostics: Diagnostics) -> None:
    """Every schema problem of one ``--data`` file, at its line in that file."""
    found = problems(document)
    if not found:
        return
    index = SourceIndex()
    index.add_tree(positions)
    diagnostics.index.add_source(name, text)
    for code, message, path, hint in found:
        key = code == "E408"
        span = index.locate(path, key=key) or index.locate(())
        diagnostics.add(code, f"--data {name}: {message}", span=span, hint=hint)


def check_spec_data(spec_data: dict[str, Any], org: dict[str, Any],
                    diagnostics: Diagnostics) -> None:
    """The spec's ``governance.data``: the schema's types, no organisation-only key, and
    ``allowed_registries`` only narrowed."""
    base = ("governance", "data")
    for code, message, path, hint in problems(spec_data):
        diagnostics.add(code, f"governance.data: {message}", path=(*base, *path),
                        key=code == "E408", hint=hint)
    for key in ORG_ONLY:
        if key in spec_data:
            diagnostics.add("E409", f"governance.data.{key} is the organisation's to set; the "
                                    "spec under review cannot set its own terms",
                            path=(*base, key), key=True,
                            hint=f"remove it; the organisation sets `{key}` with --data")
    _no_wider_registries(spec_data, org, diagnostics)


def _no_wider_registries(spec_data: dict[str, Any], org: dict[str, Any],
                         diagnostics: Diagnostics) -> None:
    ours, theirs = spec_data.get("allowed_registries"), org.get("allowed_registries")
    if not (isinstance(ours, list) and isinstance(theirs, list) and theirs):
        return  # no organisation list: a spec list can only narrow "anything goes"
    for i, entry in enumerate(ours):
        if isinstance(entry, str) and not _covered(entry, theirs):
            diagnostics.add("E409", f"governance.data.allowed_registries adds {entry!r}, which "
                                    "the organisation's allowed_registries does not allow "
                                    f"({', '.join(map(str, theirs))})",
                            path=("governance", "data", "allowed_registries", i),
                            hint="a spec may only narrow the organisation's registries: "
                                 "remove the entry")


def _covered(entry: str, allowed: list[Any]) -> bool:
    """``entry`` names a registry inside one the organisation allows.

    >>> _covered("ghcr.io/acme/ml", ["ghcr.io/acme"]), _covered("ghcr.io/acmex", ["ghcr.io/acme"])
    (True, False)
    """
    entry = entry.rstrip("/")
    return any(isinstance(a, str) and (entry == a.rstrip("/") or entry.startswith(
        a.rstrip("/") + "/")) for a in allowed)
