"""Rule annotations: the ``# METADATA`` comment block above a rule, read as YAML.

The block follows OPA's annotation format; mlopsc reads ``title``, ``description`` and, under
``custom``, ``code``, ``severity``, ``applies_to``, an optional ``hint`` and an optional
``mandatory`` (``true``: in a ``--policy`` bundle, the spec under review can neither switch the
rule off nor waive it)::

    # METADATA
    # title: Every model has an owner
    # description: An owner is accountable for the model's behaviour in production.
    # custom:
    #   code: GOV-001
    #   severity: error
    #   applies_to: [models]
    deny contains finding if { ... }
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SECTIONS = ("environments", "datasets", "features", "pipelines", "models", "deployments",
             "slos", "monitors", "waivers", "governance")


@dataclass(frozen=True, slots=True)
class Annotation:
    code: str
    title: str
    description: str
    severity: Literal["error", "warning"]
    applies_to: tuple[str, ...]
    hint: str | None
    line: int
    """Line of the ``# METADATA`` marker."""
    mandatory: bool = False
    """``custom.mandatory``: honoured only for the organisation's ``--policy`` bundles."""


class AnnotationError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def annotation_above(lines: list[str], rule_line: int, rule_name: str) -> Annotation | None:
    """The annotation of the rule starting at ``rule_line`` (1-based), if it has one.

    >>> src = ["# METADATA", "# custom:", "#   code: X-1", "deny contains f if { f := 1 }"]
    >>> annotation_above(src, 4, "deny").code
    'X-1'
    """
    start = rule_line - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    block = [line.lstrip()[1:] for line in lines[start:rule_line - 1]]
    marker = next((i for i, text in enumerate(block) if text.strip() == "METADATA"), None)
    if marker is None:
        return None
    marker_line = start + marker + 1
    body = "\n".join(text[1:] if text.startswith(" ") else text for text in block[marker + 1:])
    try:
        # libyaml's loader when present: 53 annotations take 60 ms with the Python one.
        raw = yaml.load(body, Loader=_LOADER) or {}
    except yaml.YAMLError as error:
        raise AnnotationError(marker_line, f"the annotation is not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise AnnotationError(marker_line, "the annotation must be a YAML mapping")
    return _annotation(raw, marker_line, rule_name)


def _annotation(raw: dict[str, Any], line: int, rule_name: str) -> Annotation:
    custom = raw.get("custom") or {}
    code = custom.get("code") if isinstance(custom, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise AnnotationError(line, "the annotation has no `custom.code`")
    default_severity: Literal["error", "warning"] = (
        "warning" if rule_name == "warn" else "error")
    severity = custom.get("severity", default_severity)
    if severity not in ("error", "warning"):
        raise AnnotationError(line, f"`custom.severity` of {code} must be error or warning")
    if severity != default_severity:
        raise AnnotationError(line, f"{code} is a `{rule_name}` rule, so its severity is "
                                    f"{default_severity}, not {severity}")
    applies = custom.get("applies_to", [])
    applies = [applies] if isinstance(applies, str) else applies
    if not isinstance(applies, list) or any(a not in _SECTIONS for a in applies):
        raise AnnotationError(line, f"`custom.applies_to` of {code} must list spec sections "
                                    f"({', '.join(_SECTIONS)})")
    hint = custom.get("hint")
    mandatory = custom.get("mandatory", False)
    if not isinstance(mandatory, bool):
        raise AnnotationError(line, f"`custom.mandatory` of {code} must be true or false")
    return Annotation(code=code.strip(), title=str(raw.get("title") or code),
                      description=" ".join(str(raw.get("description") or "").split()),
                      severity=default_severity, applies_to=tuple(applies),
                      hint=str(hint) if hint else None, line=line, mandatory=mandatory)
