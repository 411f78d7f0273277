"""The model-card target's emitter; the package declares it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, ClassVar

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc.targets.model_card import DECLARATION
from mlopsc.targets.model_card.card import build_card
from mlopsc.targets.model_card.render import render_card

SCHEMA_FILE = "model-card.schema.json"


def card_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON card (package data; also docs/schemas/)."""
    text = resources.files("mlopsc.targets.model_card").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


class ModelCardTarget:
    """Compile models into model cards (Markdown and JSON) and the card's JSON Schema."""

    declaration: ClassVar[TargetDeclaration] = DECLARATION

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        lineage, policy = options.lineage, options.policy
        artifacts = [Artifact(SCHEMA_FILE, _json(card_schema()))]
        for model in ir.models:
            card = build_card(model, ir, lineage, policy, version=options.version)
            artifacts.append(Artifact(f"{model.name}.json",
                                      _json({"$schema": SCHEMA_FILE, **card})))
            artifacts.append(Artifact(f"{model.name}.md",
                                      render_card(card, options.header()).encode()))
        return artifacts
