"""Pass: the lineage graph, dataset -> pipeline -> model -> deployment -> SLO / monitor."""

from __future__ import annotations

import networkx as nx

from mlopsc.ir import IR


def build_lineage(ir: IR) -> nx.DiGraph:
    """A directed graph over entity ids; edges carry a ``relation`` attribute.

    Retraining triggers (monitor -> pipeline) are control flow, not lineage, and are left
    out so the graph stays acyclic.
    """
    graph = nx.DiGraph(name=ir.name)
    for node in ir.nodes():
        if node.id.startswith(("waiver:", "environment:")):
            continue
        graph.add_node(node.id, kind=node.id.partition(":")[0], name=node.name, path=node.path,
                       version=getattr(node, "version", None) or "",
                       owner=getattr(node, "owner", None) or "")
    for fs in ir.features:
        _edge(graph, fs.dataset, fs.id, "derives")
    for pipeline in ir.pipelines:
        for ref in pipeline.inputs:
            _edge(graph, ref.dataset, pipeline.id, "input_of")
        for trigger in pipeline.triggers:
            if trigger.dataset:
                _edge(graph, trigger.dataset, pipeline.id, "input_of")
        if pipeline.model:
            _edge(graph, pipeline.id, pipeline.model, "produces")
    for model in ir.models:
        if model.training.pipeline:
            _edge(graph, model.training.pipeline, model.id, "produces")
        for ref in model.training.datasets:
            _edge(graph, ref.dataset, model.id, "trained_on")
    for deployment in ir.deployments:
        _edge(graph, deployment.model, deployment.id, "deployed_as")
    for slo in ir.slos:
        _edge(graph, slo.deployment, slo.id, "measured_by")
    for monitor in ir.monitors:
        if monitor.deployment:
            _edge(graph, monitor.deployment, monitor.id, "monitored_by")
        if monitor.dataset:
            _edge(graph, monitor.dataset, monitor.id, "reference_for")
    return graph


def lineage_warnings(ir: IR, graph: nx.DiGraph, diagnostics) -> None:
    """W582 for datasets nothing reads (no edge leaves them), W583 for models no pipeline
    produces (no ``produces`` edge enters them)."""
    from mlopsc.source import parse_path

    for dataset in ir.datasets:
        if graph.out_degree(dataset.id) == 0:
            diagnostics.add("W582", f"dataset {dataset.name!r} is not read by any pipeline, "
                            "feature set, model or monitor", path=parse_path(dataset.path),
                            key=True)
    for model in ir.models:
        if not any(graph.edges[source, model.id]["relation"] == "produces"
                   for source in graph.predecessors(model.id)):
            diagnostics.add("W583", f"model {model.name!r} is produced by no pipeline",
                            path=parse_path(model.path), key=True)


def _edge(graph: nx.DiGraph, source: str, target: str, relation: str) -> None:
    if source in graph and target in graph and not graph.has_edge(source, target):
        graph.add_edge(source, target, relation=relation)


def downstream(graph: nx.DiGraph, node: str) -> list[str]:
    """Everything that depends on ``node``, sorted."""
    return sorted(nx.descendants(graph, node))


def upstream(graph: nx.DiGraph, node: str) -> list[str]:
    """Everything ``node`` came from, sorted."""
    return sorted(nx.ancestors(graph, node))
