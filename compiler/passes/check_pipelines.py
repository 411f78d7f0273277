"""Pass: pipeline structure: step dependencies form a DAG, placeholders resolve."""

from __future__ import annotations

import heapq
import re
from graphlib import CycleError, TopologicalSorter

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_conditions import check_conditions
from mlopsc.passes.check_fanout import check_fanout
from mlopsc.passes.check_orchestration import check_orchestration
from mlopsc.spec import Spec
from mlopsc.spec.pipelines import Pipeline

PLACEHOLDER = re.compile(r"\$\(([^()]*)\)")
_PLACEHOLDER_FORM = re.compile(r"(params|inputs|outputs|results)\.([A-Za-z_][A-Za-z0-9_-]*)\Z")


_KINDS = {"params": "parameter", "inputs": "input", "outputs": "output", "results": "result"}


def step_upstream(pipeline: Pipeline) -> dict[str, tuple[str, ...]]:
    """Each step's name -> the steps it waits for (``after:`` and inputs), sorted.

    Plain data rather than a networkx graph: ``validate`` runs this on every spec, and
    importing networkx would cost more than the whole check; networkx is imported only to
    describe a cycle once one is found.
    """
    names = {step.name for step in pipeline.steps}
    return {step.name: tuple(sorted((set(step.after)
                                     | {src.partition(".")[0] for src in step.inputs.values()})
                                    & names))
            for step in pipeline.steps}


def execution_order(pipeline: Pipeline) -> list[str]:
    """Step names in dependency order; among steps that are ready, the one declared first.

    The same order as networkx's ``lexicographical_topological_sort`` keyed by position,
    without its import. Steps caught in a cycle (``check_pipelines`` reports it as E302)
    follow the others in declared order, so lowering a broken pipeline keeps every step.
    """
    upstream = step_upstream(pipeline)
    position = {step.name: i for i, step in enumerate(pipeline.steps)}
    waiting = {name: len(before) for name, before in upstream.items()}
    downstream: dict[str, list[str]] = {name: [] for name in upstream}
    for name, before in upstream.items():
        for b in before:
            downstream[b].append(name)
    ready = [(position[n], n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for after in downstream[name]:
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(ready, (position[after], after))
    if len(order) < len(upstream):
        placed = set(order)
        order.extend(sorted((n for n in upstream if n not in placed), key=position.__getitem__))
    return order


def check_pipelines(spec: Spec, bag: Diagnostics) -> None:
    for name, pipeline in spec.pipelines.items():
        check_fanout(name, pipeline, bag)
        _cycles(name, pipeline, bag)
        _placeholders(name, pipeline, bag)
        check_orchestration(name, pipeline, bag)
        check_conditions(name, pipeline, bag)


def _cycles(name: str, pipeline: Pipeline, bag: Diagnostics) -> None:
    upstream = step_upstream(pipeline)
    try:
        TopologicalSorter(upstream).prepare()
    except CycleError:
        pass
    else:
        return
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(upstream)
    graph.add_edges_from((before, step) for step, befores in upstream.items() for before in befores)
    index = {step.name: i for i, step in enumerate(pipeline.steps)}
    for cycle in sorted(sorted(c) for c in nx.simple_cycles(graph)):
        order = nx.find_cycle(graph.subgraph(cycle))
        ring = " -> ".join([edge[0] for edge in order] + [order[0][0]])
        first = min(cycle, key=index.__getitem__)
        bag.add("E302", f"steps of pipeline {name!r} wait for each other: {ring}",
                path=("pipelines", name, "steps", index[first], "after"))


def _placeholders(name: str, pipeline: Pipeline, bag: Diagnostics) -> None:
    used = {step.for_each.parameter for step in pipeline.steps if step.for_each}
    for i, step in enumerate(pipeline.steps):
        known = {"params": set(pipeline.parameters), "inputs": set(step.inputs),
                 "outputs": set(step.outputs), "results": set(step.results)}
        for field in ("command", "args"):
            for j, arg in enumerate(getattr(step, field)):
                for inner in PLACEHOLDER.findall(arg):
                    if inner == "item":
                        continue  # $(item): check_fanout
                    match = _PLACEHOLDER_FORM.match(inner)
                    path = ("pipelines", name, "steps", i, field, j)
                    if match is not None and match.group(1) == "params":
                        used.add(match.group(2))
                    if match is None:
                        bag.add("E321", f"placeholder '$({inner})' is not of the form "
                                "$(params.NAME), $(inputs.NAME), $(outputs.NAME) or "
                                "$(results.NAME)", path=path)
                    elif match.group(2) not in known[match.group(1)]:
                        group, item = match.groups()
                        where = "the pipeline" if group == "params" else "the step"
                        bag.add("E321", f"placeholder '$({inner})': {where} declares no "
                                f"{_KINDS[group]} {item!r}",
                                path=path)
    for param in pipeline.parameters:
        if param not in used:
            bag.add("W320", f"parameter {param!r} of pipeline {name!r} is used by no step",
                    path=("pipelines", name, "parameters", param), key=True)
