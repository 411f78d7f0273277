"""The model-card target's emitter; the package declares it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, ClassVar

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc.targets.model_card import DECLARATION
from mlopsc.targets.model_card.card import SCHEMA_FILE, build_card
from mlopsc.targets.model_card.render import render_card
from mlopsc.targets.model_card.toolkit import toolkit_card


def card_schema() -> dict[str, Any]:
    """The JSON Schema of ``<model>.mlopsc.json`` (package data; also docs/schemas/). The
    toolkit card ``<model>.json`` follows the Model Card Toolkit's own schema."""
    text = resources.files("mlopsc.targets.model_card").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


class ModelCardTarget:
    """Compile models into model cards: per model the Markdown card, the Model Card Toolkit
    card and the mlopsc file beside it; once, the mlopsc file's JSON Schema."""

    declaration: ClassVar[TargetDeclaration] = DECLARATION

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        lineage, policy = options.lineage, options.policy
        artifacts = [Artifact(SCHEMA_FILE, _json(card_schema()))]
        for model in ir.models:
            toolkit = toolkit_card(model, ir)
            extra = build_card(model, ir, lineage, policy, version=options.version)
            artifacts.append(Artifact(f"{model.name}.json", _json(toolkit)))
            # Model names are DNS-1123 labels (no dots): no model's card is another's file.
            artifacts.append(Artifact(f"{model.name}.mlopsc.json", _json(extra)))
            artifacts.append(Artifact(f"{model.name}.md",
                                      render_card(toolkit, extra, options.header()).encode()))
        return artifacts
