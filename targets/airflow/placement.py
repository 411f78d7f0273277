"""A step's affinity as the ``KubernetesPodOperator``'s ``affinity`` (a ``k8s.V1Affinity``).

The code is built here from ``py`` literals (``affinity`` is not a templated field, so
Airflow never renders it with Jinja). Spreading selects the pods of the same step of the
same pipeline by two labels the task adds, ``mlopsc.io/pipeline`` and ``mlopsc.io/step``
(names are DNS-1123 labels, so they are valid label values): the mapped instances of a
fanned-out step, and the step's pods of concurrent runs, keep apart.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.targets.airflow.literals import py

PIPELINE_LABEL = "mlopsc.io/pipeline"
STEP_LABEL = "mlopsc.io/step"


def fields(p: ir.Pipeline, step: ir.Step) -> dict[str, Any]:
    """``affinity`` (code or None) and ``labels`` (a dict, empty unless the step spreads)."""
    a = step.affinity
    if a is None:
        return {"affinity": None, "labels": {}}
    labels = {PIPELINE_LABEL: p.name, STEP_LABEL: step.name} if a.spread_key else {}
    parts = []
    if a.required or a.preferred:
        parts.append(f"node_affinity={_node_affinity(a)}")
    if a.spread_key:
        parts.append(f"pod_anti_affinity={_anti_affinity(a.spread_key, a.spread_required, labels)}")
    return {"affinity": f"k8s.V1Affinity({', '.join(parts)})", "labels": labels}


def _term(matches: tuple[ir.NodeMatch, ...]) -> str:
    requirements = ", ".join(
        f"k8s.V1NodeSelectorRequirement(key={py(m.key)}, operator={py(m.operator)}"
        + (f", values={py(list(m.values))})" if m.values else ")") for m in matches)
    return f"k8s.V1NodeSelectorTerm(match_expressions=[{requirements}])"


def _node_affinity(a: ir.Affinity) -> str:
    parts = []
    if a.required:
        parts.append("required_during_scheduling_ignored_during_execution="
                     f"k8s.V1NodeSelector(node_selector_terms=[{_term(a.required)}])")
    if a.preferred:
        terms = ", ".join(f"k8s.V1PreferredSchedulingTerm(weight={py(t.weight)}, "
                          f"preference={_term(t.match)})" for t in a.preferred)
        parts.append(f"preferred_during_scheduling_ignored_during_execution=[{terms}]")
    return f"k8s.V1NodeAffinity({', '.join(parts)})"


def _anti_affinity(key: str, required: bool, labels: dict[str, str]) -> str:
    term = (f"k8s.V1PodAffinityTerm(label_selector=k8s.V1LabelSelector(match_labels="
            f"{py(labels)}), topology_key={py(key)})")
    if required:
        return ("k8s.V1PodAntiAffinity(required_during_scheduling_ignored_during_execution="
                f"[{term}])")
    return ("k8s.V1PodAntiAffinity(preferred_during_scheduling_ignored_during_execution="
            f"[k8s.V1WeightedPodAffinityTerm(weight=100, pod_affinity_term={term})])")
