"""The model-card target: per model, ``<name>.md`` (Hugging Face YAML front matter),
``<name>.json`` (a Model Card Toolkit card, schema v0.0.2) and ``<name>.mlopsc.json`` (what
the toolkit has no place for: governance facts, thresholds, unmet requirements, waivers),
and the JSON Schema of the last, ``model-card.mlopsc.schema.json``.

Example::

    artifacts = ModelCardTarget().emit(ir, options, diagnostics)
    [a.path for a in artifacts]   # ['model-card.mlopsc.schema.json', 'fraud-detector.json', ...]
"""

from __future__ import annotations

from typing import Any

from mlopsc.target import HowToApply, TargetDeclaration

DECLARATION = TargetDeclaration(
    name="model-card",
    description="model cards: Markdown with Hugging Face front matter, and JSON, per model",
    emitter="mlopsc.targets.model_card.target:ModelCardTarget",
    docs="docs/governance.md",
    apply=HowToApply(
        "Model cards, per model: <model>.md (Markdown with Hugging Face YAML front matter; "
        "a Hugging Face model repository's README.md) and JSON cards, with the JSON Schema "
        "they are valid against. Publish them beside the model in its registry or docs site; "
        "nothing to apply.",
        90),
)

_LAZY = ("ModelCardTarget", "card_schema", "SCHEMA_FILE")


def __getattr__(name: str) -> Any:
    """The emitter's names, imported on first use: reading the declaration stays cheap."""
    if name in _LAZY:
        from mlopsc.targets.model_card import target
        return getattr(target, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DECLARATION", *_LAZY]
