"""The embedded engine: regorus, a Rego interpreter in Rust (PyPI ``gordon-to-regorus``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import regorus

from mlopsc.policy.bounded import run_bounded
from mlopsc.policy.bundle import Bundles
from mlopsc.policy.engine import UNDEFINED, Value
from mlopsc.policy.errors import PolicyEngineError, RegoError, parse_engine_error
from mlopsc.policy.input_doc import PolicyInput
from mlopsc.policy.limits import DEFAULT_LIMITS, PolicyLimits

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

    def __init__(self, bundles: Bundles, data: dict[str, Any],
                 limits: PolicyLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        if bundles.engine is None:
            raise PolicyEngineError("no policy was loaded")
        self._engine: regorus.Engine = bundles.engine.clone()
        if data:
            self._engine.add_data_json(json.dumps({DATA_ROOT: data}))

    def evaluate(self, policy_input: PolicyInput, decisions: Sequence[str]) -> dict[str, Value]:
        # JSON text: regorus parses it faster than it converts the same data from Python.
        return self.evaluate_json(policy_input.json, decisions)

    def evaluate_json(self, text: str, decisions: Sequence[str]) -> dict[str, Value]:
        """:meth:`evaluate` over an input given as JSON text, in a child process bounded by
        :attr:`limits` (see :mod:`mlopsc.policy.bounded`): regorus cannot be interrupted."""

        def work(announce: Callable[[str], None]) -> dict[str, Any]:
            try:
                self._engine.set_input_json(text)
            except (RuntimeError, TypeError, ValueError) as error:
                raise PolicyEngineError(f"regorus refused the policy input: {error}") from None
            values = {}
            for decision in decisions:
                announce(decision)
                values[decision] = _encode(self._one(decision))
            return values

        return {d: _decode(v) for d, v in run_bounded(work, self.limits).items()}

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


def _encode(value: Value) -> dict[str, Any]:
    """A decision's value as JSON data, to cross the pipe from the evaluating child."""
    if value is UNDEFINED:
        return {"undefined": True}
    if isinstance(value, RegoError):
        return {"error": [value.file, value.line, value.column, value.message]}
    return {"value": value}


def _decode(encoded: dict[str, Any]) -> Value:
    if "error" in encoded:
        return RegoError(*encoded["error"])
    return UNDEFINED if "undefined" in encoded else encoded["value"]
