"""The model-card target: per model, ``<name>.md`` (Hugging Face-style YAML front matter)
and ``<name>.json`` (Model Card Toolkit sections plus mlopsc's governance facts), and the
JSON Schema of the JSON card, ``model-card.schema.json``.

Example::

    artifacts = ModelCardTarget().emit(ir, options, diagnostics)
    [a.path for a in artifacts]   # ['fraud-detector.json', 'fraud-detector.md', ...]
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, ClassVar

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR
from mlopsc.target import Artifact, EmitOptions, Setting
from mlopsc.targets.model_card.card import build_card
from mlopsc.targets.model_card.render import render_card

SCHEMA_FILE = "model-card.schema.json"


def card_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON card (package data; also docs/schemas/)."""
    text = resources.files(__name__).joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


class ModelCardTarget:
    name = "model-card"
    description = "model cards: Markdown with Hugging Face front matter, and JSON, per model"
    settings: ClassVar[dict[str, Setting]] = {}

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        lineage, policy = options.context.get("lineage"), options.context.get("policy")
        artifacts = [Artifact(SCHEMA_FILE, _json(card_schema()))]
        for model in ir.models:
            card = build_card(model, ir, lineage, policy)
            artifacts.append(Artifact(f"{model.name}.json",
                                      _json({"$schema": SCHEMA_FILE, **card})))
            artifacts.append(Artifact(f"{model.name}.md",
                                      render_card(card, options.header()).encode()))
        return artifacts
