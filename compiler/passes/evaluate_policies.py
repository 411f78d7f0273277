"""Pass: evaluate the Rego policy bundles over the IR (the policy gate).

Fails closed: a bundle that cannot be parsed or evaluated adds a blocking diagnostic at the
``.rego`` line; an engine that cannot run raises ``PolicyEngineError`` (exit 2).

The gate also judges an IR lowered despite errors (see :mod:`mlopsc.passes.lower`); a finding at
the very place of such an error is left out, since the error already says what is wrong
there (a policy cannot judge whether ``image: "Acme Train"`` is pinned, E316 says it is
not an image). So are the findings on the neighbours of an entity left out of the IR: a
deployment whose SLO has a schema error would otherwise be told it has no SLO.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlopsc.codes import table
from mlopsc.diagnostics import Diagnostics, Severity
from mlopsc.passes.lower import ENTITY_SECTIONS, entity_of
from mlopsc.policy import GateOptions, run_gate
from mlopsc.policy.limits import PolicyLimits
from mlopsc.reading.spec_root import SpecRoot

if TYPE_CHECKING:
    from mlopsc.driver import Compilation


def evaluate_policies(compilation: Compilation) -> None:
    """Set ``compilation.policy`` to the gate's :class:`~mlopsc.policy.result.PolicyResult`."""
    options = compilation.options
    gate = GateOptions(spec_dir=Path(options.spec).parent, policy_dirs=options.policy_dirs,
                       data_files=options.data_files, opa_url=options.opa_url,
                       today=options.effective_today(),
                       root=SpecRoot.of(options.spec, options.root),
                       limits=PolicyLimits(options.policy_timeout, options.policy_memory))
    assert compilation.ir is not None  # the driver runs this pass only on an IR
    errors = error_paths(compilation.diagnostics)
    compilation.policy = run_gate(compilation.ir, compilation.diagnostics, gate)
    if errors:
        drop_restated(compilation.diagnostics, errors)
    left_out = {tuple(p.split(".", 1)) for p in compilation.left_out}
    document = compilation.loaded.document if compilation.loaded is not None else None
    if left_out and document is not None:
        hold_back(compilation.diagnostics, neighbours(document, left_out))


def error_paths(bag: Diagnostics) -> set[str]:
    """The spec paths that errors found so far point at."""
    return {d.path for d in bag if d.severity == Severity.ERROR and d.path}


def drop_restated(bag: Diagnostics, errors: set[str]) -> None:
    """Leave out the policy findings (codes outside the Python table) at an error's path."""
    python = table()
    bag.replace_all(d for d in bag if d.code in python or d.path not in errors)


def neighbours(document: dict[str, Any], left_out: set[Any]) -> set[tuple[str, str]]:
    """The entities left out, those that name one of them and those one of them names
    (by any string value: an over-approximation, which only holds back more)."""
    entities = {(s, n): body for s in ENTITY_SECTIONS
                if isinstance(document.get(s), dict) for n, body in document[s].items()}
    gone = {n for _, n in left_out}
    named_by_gone = set().union(*(_strings(entities.get(e)) for e in left_out))
    return set(left_out) | {(s, n) for (s, n), body in entities.items()
                            if n in named_by_gone or _strings(body) & gone}


def hold_back(bag: Diagnostics, entities: set[tuple[str, str]]) -> None:
    """Leave out the policy findings on ``entities``: they may say only what is missing."""
    python = table()
    bag.replace_all(d for d in bag if d.code in python or entity_of(d.path) not in entities)


def _strings(node: Any) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict):
        return set().union(*map(_strings, node.values()), set())
    if isinstance(node, list):
        return set().union(*map(_strings, node), set())
    return set()
