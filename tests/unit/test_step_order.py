"""Step order and dependencies without networkx, checked against networkx itself."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from mlopsc.passes.check_pipelines import execution_order, step_upstream
from mlopsc.spec.pipelines import Pipeline


def _pipeline(edges: dict[int, set[int]], n: int) -> Pipeline:
    # Step i may wait only for steps of a lower number, so the graph is acyclic; the names
    # are shuffled against that order so that declaration order and dependency order differ.
    names = [f"s{(i * 7) % n:02d}-{i}" for i in range(n)]
    steps = [{"name": names[i], "image": "r.example/i:1",
              "after": sorted(names[j] for j in edges.get(i, ()))} for i in range(n)]
    return Pipeline.model_validate({"orchestrator": "kubeflow", "steps": steps[::-1]})


@st.composite
def dags(draw):
    n = draw(st.integers(1, 12))
    edges = {i: draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
             for i in range(n)}
    return _pipeline(edges, n)


@settings(max_examples=200, deadline=None)
@given(dags())
def test_order_equals_networkx_lexicographical_topological_sort(pipeline):
    graph = nx.DiGraph()
    for step in pipeline.steps:
        graph.add_node(step.name)
    for step, before in step_upstream(pipeline).items():
        graph.add_edges_from((b, step) for b in before)
    position = {step.name: i for i, step in enumerate(pipeline.steps)}
    expected = list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
    assert execution_order(pipeline) == expected


def test_upstream_joins_after_and_inputs_and_ignores_unknown_names():
    pipeline = Pipeline.model_validate({"orchestrator": "airflow", "steps": [
        {"name": "a", "image": "r/i:1", "outputs": ["x"]},
        {"name": "b", "image": "r/i:1", "after": ["a", "ghost"]},
        {"name": "c", "image": "r/i:1", "inputs": {"x": "a.x"}, "after": ["b"]},
    ]})
    assert step_upstream(pipeline) == {"a": (), "b": ("a",), "c": ("a", "b")}
    assert execution_order(pipeline) == ["a", "b", "c"]


def test_ready_steps_run_in_declaration_order():
    pipeline = Pipeline.model_validate({"orchestrator": "airflow", "steps": [
        {"name": "z", "image": "r/i:1", "after": ["m"]},
        {"name": "m", "image": "r/i:1"},
        {"name": "a", "image": "r/i:1"},
    ]})
    assert execution_order(pipeline) == ["m", "z", "a"]
