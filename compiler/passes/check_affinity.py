"""A step's affinity as the API server and the orchestrator will take it, at validate.

Node conditions reach the pod's ``affinity`` verbatim (Airflow's ``V1Affinity``, KFP's
platform config). Kubernetes refuses a malformed label key, a value it cannot hold as a
label, or values that do not fit the operator only when the pod is created; these checks
refuse them in the pull request. Spreading (pod anti-affinity) has no place in KFP's
platform config: compiled for Kubeflow it would be dropped, so it is an error there.
"""

from __future__ import annotations

import re
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_k8s_names import is_qualified_name
from mlopsc.passes.check_names import invalid_name
from mlopsc.spec.pipelines import NodeMatch, NodeOperator, Pipeline

_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?\Z")
_INTEGER = re.compile(r"-?[0-9]{1,18}\Z")
NO_SPREAD = frozenset({"kubeflow"})
"""Orchestrators whose step pods cannot carry a pod anti-affinity (kfp-kubernetes has no
setter for one)."""


def is_label_value(text: str) -> bool:
    """A label value: at most 63 characters, alphanumeric at both ends.

    >>> is_label_value("g4dn.xlarge"), is_label_value(""), is_label_value("a b")
    (True, True, False)
    """
    return len(text) <= 63 and bool(_LABEL_VALUE.match(text))


def check_affinity(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    """E303 for a malformed label key or value, E342 for values that do not fit the
    operator, E347 for spreading the orchestrator cannot express."""
    for s, step in enumerate(pipeline.steps):
        if step.affinity is None:
            continue
        at = (*where, "steps", s, "affinity")
        nodes = step.affinity.nodes
        if nodes is not None:
            for i, match in enumerate(nodes.required):
                _match(step.name, match, (*at, "nodes", "required", i), bag)
            for t, term in enumerate(nodes.preferred):
                for i, match in enumerate(term.match):
                    _match(step.name, match, (*at, "nodes", "preferred", t, "match", i), bag)
        spread = step.affinity.spread
        if spread is None:
            continue
        _key(spread.topology_key, (*at, "spread", "topology_key"), bag)
        if pipeline.orchestrator in NO_SPREAD:
            bag.add("E347", f"step {step.name!r}: {pipeline.orchestrator} cannot keep a "
                    "step's pods apart (no pod anti-affinity in its platform config); the "
                    "spread would be dropped", path=(*at, "spread"),
                    hint="remove `spread:`, or run the pipeline on `orchestrator: airflow`")


def _match(step: str, match: NodeMatch, path: tuple[Any, ...], bag: Diagnostics) -> None:
    _key(match.key, (*path, "key"), bag)
    for v, value in enumerate(match.values):
        if not is_label_value(value) and value.isprintable():
            invalid_name(bag, f"{_shown(value)} is not a valid Kubernetes label value",
                         (*path, "values", v), "at most 63 letters, digits, '-', '_' and "
                         "'.', beginning and ending with a letter or digit")
    op, count = match.operator, len(match.values)
    problem = None
    if op in (NodeOperator.exists, NodeOperator.does_not_exist) and count:
        problem = f"{op.value} takes no values"
    elif op in (NodeOperator.in_, NodeOperator.not_in) and not count:
        problem = f"{op.value} needs at least one value"
    elif op in (NodeOperator.gt, NodeOperator.lt) and (
            count != 1 or not _INTEGER.match(match.values[0])):
        problem = f"{op.value} takes exactly one integer value"
    if problem is not None:
        bag.add("E342", f"step {step!r}: node condition on {match.key!r}: {problem}",
                path=(*path, "values") if count else path,
                hint="In/NotIn: a list of values; Exists/DoesNotExist: no `values`; "
                     "Gt/Lt: one integer, e.g. `values: ['4']`")


def _key(text: str, path: tuple[Any, ...], bag: Diagnostics) -> None:
    if is_qualified_name(text) or not text.isprintable():  # E330 reports control characters
        return
    invalid_name(bag, f"{_shown(text)} is not a valid Kubernetes label key", path,
                 "an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' "
                 "and '.', e.g. topology.kubernetes.io/zone")


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 70 else repr(text[:70]) + "..."
