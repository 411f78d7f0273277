"""The policy gate: Rego bundles evaluated over the IR by regorus or an OPA server.

    from mlopsc.policy import GateOptions, run_gate
    result = run_gate(ir, diagnostics, GateOptions(today=datetime.date(2026, 11, 15)))

``mlopsc.passes.evaluate_policies`` is the compiler pass; ``mlopsc.policy.testing`` runs a bundle's
``test_`` rules with coverage (``mlopsc policy test``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlopsc.policy.errors import PolicyBundleError, PolicyEngineError, RegoError
    from mlopsc.policy.gate import GateOptions, run_gate

__all__ = ["GateOptions", "PolicyBundleError", "PolicyEngineError", "RegoError", "run_gate"]

# The gate loads the engines; `mlopsc.policy.limits` and `.result` are read by commands that
# never evaluate a policy (validate's start-up), so the package imports nothing eagerly.
_HOMES = {"GateOptions": "gate", "run_gate": "gate", "PolicyBundleError": "errors",
          "PolicyEngineError": "errors", "RegoError": "errors"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'mlopsc.policy' has no attribute {name!r}")
    return getattr(importlib.import_module(f"mlopsc.policy.{_HOMES[name]}"), name)
