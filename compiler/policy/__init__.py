"""The policy gate: Rego bundles evaluated over the IR by regorus or an OPA server.

    from mlopsc.policy import GateOptions, run_gate
    result = run_gate(ir, diagnostics, GateOptions(today=datetime.date(2026, 11, 15)))

``mlopsc.evaluate_policies`` is the compiler pass; ``mlopsc.policy.testing`` runs a bundle's
``test_`` rules with coverage (``mlopsc policy test``).
"""

from mlopsc.policy.errors import PolicyBundleError, PolicyEngineError, RegoError
from mlopsc.policy.gate import GateOptions, run_gate

__all__ = ["GateOptions", "PolicyBundleError", "PolicyEngineError", "RegoError", "run_gate"]
