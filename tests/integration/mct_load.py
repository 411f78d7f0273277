"""Load model cards with Google's Model Card Toolkit, as a separate process.

Usage: ``python mct_load.py CARD.json...``; prints a JSON object mapping each path to what
the toolkit made of it (``ModelCard().from_json``, then the card's protobuf and back to
JSON), or to ``{"error": ...}`` when the toolkit refused it.

Run it with ``PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python``: the toolkit's generated
``model_card_pb2`` predates protobuf 4, and the C/upb runtime refuses such files. The
toolkit (model-card-toolkit 2.0.0) is installed without its dependencies, because
``model_card_toolkit/__init__.py`` and ``utils/__init__.py`` import its TFX pipeline glue
(TensorFlow Model Analysis, ML Metadata), none of which installs on Python 3.11. So both
package modules are created without running those files; ``model_card.py`` (the card
classes and ``from_json``), ``utils/validation.py`` (its schema check) and the schema files
it reads are the toolkit's own, unchanged.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from typing import Any


def toolkit_card_class() -> Any:
    """The toolkit's ``ModelCard`` class (its package ``__init__`` files not executed)."""
    for name in ("model_card_toolkit", "model_card_toolkit.utils"):
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise SystemExit(f"{name} is not installed: "
                             "pip install --no-deps model-card-toolkit==2.0.0")
        sys.modules[name] = importlib.util.module_from_spec(spec)
    from model_card_toolkit.model_card import ModelCard
    return ModelCard


def load(card_class: Any, path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    try:
        card = card_class()
        card.from_json(data)
        proto = card.to_proto()
        again = card_class()
        again.copy_from_proto(proto)
        loaded: dict[str, Any] = json.loads(again.to_json())
        return loaded
    except Exception as e:  # noqa: BLE001 - any refusal is the answer (ValueError, ValidationError, ...)
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0]}"}


def main(paths: list[str]) -> None:
    card_class = toolkit_card_class()
    print(json.dumps({path: load(card_class, path) for path in paths}, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
