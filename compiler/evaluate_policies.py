"""Pass: evaluate the Rego policy bundles over the IR (the policy gate)."""

from __future__ import annotations


def evaluate_policies(compilation) -> None:
    """Not wired yet: the policy gate lands with the policy issue."""
    compilation.policy = None
