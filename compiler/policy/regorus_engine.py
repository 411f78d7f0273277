"""The embedded engine: regorus, a Rego interpreter in Rust (PyPI ``gordon-to-regorus``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import regorus

from mlopsc.policy.bundle import Bundles
from mlopsc.policy.engine import UNDEFINED, Value
from mlopsc.policy.errors import PolicyEngineError, parse_engine_error
from mlopsc.policy.input_doc import PolicyInput

DATA_ROOT = "org"
"""Organisation data (``--data`` files) is mounted at ``data.org``."""

# regorus renders an undefined value as this JSON string.
_UNDEFINED_JSON = '"<undefined>"'


class RegorusEngine:
    """Evaluates decisions in-process over the parsed bundles.

    >>> from mlopsc.policy.bundle import load_bundles, default_bundle_dir
    >>> engine = RegorusEngine(load_bundles([("default", default_bundle_dir())]), {})
    >>> engine.evaluate_json('{"models": {}}', ["data.mlopsc.governance.ownership.deny"])
    {'data.mlopsc.governance.ownership.deny': []}
    """

    name = "regorus"

    def __init__(self, bundles: Bundles, data: dict[str, Any]) -> None:
        if bundles.engine is None:
            raise PolicyEngineError("no policy was loaded")
        self._engine: regorus.Engine = bundles.engine.clone()
        if data:
            self._engine.add_data_json(json.dumps({DATA_ROOT: data}))

    def evaluate(self, policy_input: PolicyInput, decisions: Sequence[str]) -> dict[str, Value]:
        # JSON text: regorus parses it faster than it converts the same data from Python.
        return self.evaluate_json(policy_input.json, decisions)

    def evaluate_json(self, text: str, decisions: Sequence[str]) -> dict[str, Value]:
        """:meth:`evaluate` over an input given as JSON text."""
        try:
            self._engine.set_input_json(text)
        except (RuntimeError, TypeError, ValueError) as error:
            raise PolicyEngineError(f"regorus refused the policy input: {error}") from None
        return {decision: self._one(decision) for decision in decisions}

    def _one(self, decision: str) -> Value:
        try:
            text = self._engine.eval_rule_as_json(decision)
        except RuntimeError as error:
            located = parse_engine_error(str(error))
            if located is None:
                raise PolicyEngineError(f"regorus failed on {decision}: "
                                        f"{str(error).strip().splitlines()[0]}") from None
            return located
        return UNDEFINED if text == _UNDEFINED_JSON else json.loads(text)
