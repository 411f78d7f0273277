"""A step's node affinity in KFP's platform config (kfp-kubernetes ``add_node_affinity``).

The KFP backend turns each unweighted term into one ``nodeSelectorTerm`` of the required
node affinity, and Kubernetes ORs those terms; the spec's ``required`` conditions must all
hold, so they go into one term. Each ``preferred`` term keeps its weight. Spreading (pod
anti-affinity) has no setter in kfp-kubernetes: ``validate`` refuses it (E347).
"""

from __future__ import annotations

from typing import Any

from kfp import kubernetes
from kfp.dsl import PipelineTask

from mlopsc import ir


def _expressions(matches: tuple[ir.NodeMatch, ...]) -> list[dict[str, Any]]:
    return [{"key": m.key, "operator": m.operator, "values": list(m.values)} for m in matches]


def apply(task: PipelineTask, affinity: ir.Affinity, refused: Any) -> None:
    """Add the required term, then the preferred ones in spec order; ``refused`` turns a
    value kfp refuses into E512 at its path."""
    if affinity.required:
        with refused("affinity", "nodes", "required"):
            kubernetes.add_node_affinity(task, match_expressions=_expressions(affinity.required))
    for i, term in enumerate(affinity.preferred):
        with refused("affinity", "nodes", "preferred", i):
            kubernetes.add_node_affinity(task, match_expressions=_expressions(term.match),
                                         weight=term.weight)
