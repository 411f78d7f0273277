"""Pass: evaluate the Rego policy bundles over the IR (the policy gate).

Fails closed: a bundle that cannot be parsed or evaluated adds a blocking diagnostic at the
``.rego`` line; an engine that cannot run raises ``PolicyEngineError`` (exit 2).

The gate also judges an IR lowered despite errors (see :mod:`mlopsc.lower`); a finding at
the very place of such an error is left out, since the error already says what is wrong
there (a policy cannot judge whether ``image: "Acme Train"`` is pinned, E316 says it is
not an image).
"""

from __future__ import annotations

from pathlib import Path

from mlopsc.codes import table
from mlopsc.diagnostics import Diagnostics, Severity
from mlopsc.policy import GateOptions, run_gate
from mlopsc.spec_root import SpecRoot


def evaluate_policies(compilation) -> None:
    """Set ``compilation.policy`` to the gate's :class:`~mlopsc.policy_result.PolicyResult`."""
    options = compilation.options
    gate = GateOptions(spec_dir=Path(options.spec).parent, policy_dirs=options.policy_dirs,
                       data_files=options.data_files, opa_url=options.opa_url,
                       today=options.effective_today(),
                       root=SpecRoot.of(options.spec, options.root))
    errors = error_paths(compilation.diagnostics)
    compilation.policy = run_gate(compilation.ir, compilation.diagnostics, gate)
    if errors:
        drop_restated(compilation.diagnostics, errors)


def error_paths(bag: Diagnostics) -> set[str]:
    """The spec paths that errors found so far point at."""
    return {d.path for d in bag if d.severity == Severity.ERROR and d.path}


def drop_restated(bag: Diagnostics, errors: set[str]) -> None:
    """Leave out the policy findings (codes outside the Python table) at an error's path."""
    python = table()
    bag.replace_all(d for d in bag if d.code in python or d.path not in errors)
