"""Pass: evaluate the Rego policy bundles over the IR (the policy gate).

Fails closed: a bundle that cannot be parsed or evaluated adds a blocking diagnostic at the
``.rego`` line; an engine that cannot run raises ``PolicyEngineError`` (exit 2).
"""

from __future__ import annotations

from pathlib import Path

from mlopsc.policy import GateOptions, run_gate


def evaluate_policies(compilation) -> None:
    """Set ``compilation.policy`` to the gate's :class:`~mlopsc.policy_result.PolicyResult`."""
    options = compilation.options
    gate = GateOptions(spec_dir=Path(options.spec).parent, policy_dirs=options.policy_dirs,
                       data_files=options.data_files, opa_url=options.opa_url,
                       today=options.effective_today())
    compilation.policy = run_gate(compilation.ir, compilation.diagnostics, gate)
