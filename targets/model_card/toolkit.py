"""A model's card in Google's Model Card Toolkit format (JSON schema v0.0.2).

The toolkit's schema allows no key beside its four sections and ``schema_version``, and its
loader (``ModelCard().from_json``) refuses any field its classes do not have, so this card
holds the toolkit's fields only. Absent facts are left out (the schema wants strings, not
``null``), and so are empty lists. What the toolkit has no place for goes in the sibling
``<model>.mlopsc.json`` (:mod:`mlopsc.targets.model_card.card`).
"""

from __future__ import annotations

import re
from typing import Any

from mlopsc.ir import IR, Dataset, Model

SCHEMA_VERSION = "0.0.2"
"""The toolkit schema version the card follows (its latest)."""

# An absolute URI (RFC 3986 scheme, no spaces): the schema's ``format: uri`` for links and
# references. A location or reference written otherwise stays in the mlopsc file only.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")


def toolkit_card(m: Model, ir: IR) -> dict[str, Any]:
    """The toolkit card of ``m``.

    Example::

        card = toolkit_card(ir.get("model:fraud-detector", Model), ir)
        card["model_details"]["name"]   # 'fraud-detector'
    """
    card: dict[str, Any] = _pruned({
        "schema_version": SCHEMA_VERSION,
        "model_details": _details(m),
        "model_parameters": _parameters(m, ir),
        "quantitative_analysis": {"performance_metrics": [
            {"type": x.name, "value": None if x.value is None else f"{x.value:g}"}
            for x in m.metrics]},
        "considerations": _considerations(m),
    })
    return card


def is_uri(text: str | None) -> bool:
    """Whether ``text`` is an absolute URI, as the toolkit's ``link`` and ``reference`` want."""
    return text is not None and _URI.match(text) is not None


def _details(m: Model) -> dict[str, Any]:
    dated = [h.date for h in m.history if h.version == m.version]
    return {
        "name": m.name,
        "overview": m.description,
        "version": {"name": m.version, "date": max(dated) if dated else None},
        "owners": [{"name": m.owner}] if m.owner else [],
        "path": m.artifact_uri,
        "references": [{"reference": m.risk_assessment}] if is_uri(m.risk_assessment) else [],
    }


def _parameters(m: Model, ir: IR) -> dict[str, Any]:
    return {
        "model_architecture": m.framework,
        # The toolkit's ``data`` lists datasets; mlopsc knows the training data only.
        "data": [_dataset(ir.get(ref.dataset, Dataset))
                 for ref in sorted(m.training.datasets, key=lambda r: r.dataset)],
        "input_format": f"input schema version {m.schema_version}" if m.schema_version else None,
        "input_format_map": [{"key": f.name, "value": f.type or "unspecified"}
                             for f in m.input_schema],
        "output_format": m.task,
    }


def _dataset(d: Dataset) -> dict[str, Any]:
    return {"name": d.name, "link": d.location if is_uri(d.location) else None,
            "description": d.description,
            "sensitive": {"sensitive_data": sorted(f.name for f in d.fields if f.pii)}}


def _considerations(m: Model) -> dict[str, Any]:
    c = m.card

    def described(text: str | None) -> list[dict[str, str]]:
        return [{"description": text}] if text else []

    return {
        "use_cases": described(c.intended_use),
        "limitations": described(c.limitations),
        "tradeoffs": described(c.caveats),
        "ethical_considerations": [{"name": c.ethical_considerations,
                                    "mitigation_strategy": c.fairness_assessment}]
        if c.ethical_considerations else [],
    }


def _pruned(value: Any) -> Any:
    """``value`` without ``None``, empty lists and objects left empty by that."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value
