"""Pass: the lineage graph: dataset -> pipeline -> (feature set ->) model -> deployment ->
SLO / monitor.

The pass itself computes the edges as plain data, which is all the warnings need, so that
``mlopsc validate`` never imports networkx (a fifth of its time); the networkx graph is
built from them on first use (:attr:`mlopsc.driver.Compilation.lineage`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlopsc.ir import IR

if TYPE_CHECKING:
    from typing import TypeAlias

    import networkx as nx

    from mlopsc.diagnostics import Diagnostics

    LineageGraph: TypeAlias = nx.DiGraph[str]
    """Nodes are entity ids; each edge has a ``relation`` attribute."""

Edge = tuple[str, str, str]
"""(source id, target id, relation)."""

_NOT_LINEAGE = ("waiver:", "environment:")


def lineage_edges(ir: IR) -> list[Edge]:
    """Every edge between entities of the graph, each pair once (the first relation wins).

    Retraining triggers (monitor -> pipeline) are control flow, not lineage, and are left
    out so the graph stays acyclic.
    """
    nodes = {node.id for node in ir.nodes() if not node.id.startswith(_NOT_LINEAGE)}
    edges: dict[tuple[str, str], str] = {}

    def edge(source: str | None, target: str | None, relation: str) -> None:
        if source is not None and target is not None and source in nodes and target in nodes:
            edges.setdefault((source, target), relation)

    for fs in ir.features:
        edge(fs.dataset, fs.id, "derives")
    for pipeline in ir.pipelines:
        for ref in pipeline.inputs:
            edge(ref.dataset, pipeline.id, "input_of")
        for trigger in pipeline.triggers:
            edge(trigger.dataset, pipeline.id, "input_of")
        edge(pipeline.id, pipeline.model, "produces")
        for feature_set in pipeline.feature_sets:
            edge(pipeline.id, feature_set, "produces")
    for model in ir.models:
        edge(model.training.pipeline, model.id, "produces")
        for ref in model.training.datasets:
            edge(ref.dataset, model.id, "trained_on")
        for feature_set in model.training.feature_sets:
            edge(feature_set, model.id, "trained_on")
    for deployment in ir.deployments:
        edge(deployment.model, deployment.id, "deployed_as")
    for slo in ir.slos:
        edge(slo.deployment, slo.id, "measured_by")
    for monitor in ir.monitors:
        edge(monitor.deployment, monitor.id, "monitored_by")
        edge(monitor.dataset, monitor.id, "reference_for")
    return [(source, target, relation) for (source, target), relation in edges.items()]


def build_lineage(ir: IR, edges: list[Edge] | None = None) -> nx.DiGraph[str]:
    """A directed graph over entity ids; edges carry a ``relation`` attribute."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph(name=ir.name)
    for node in ir.nodes():
        if node.id.startswith(_NOT_LINEAGE):
            continue
        graph.add_node(node.id, kind=node.id.partition(":")[0], name=node.name, path=node.path,
                       version=getattr(node, "version", None) or "",
                       owner=getattr(node, "owner", None) or "")
    for source, target, relation in lineage_edges(ir) if edges is None else edges:
        graph.add_edge(source, target, relation=relation)
    return graph


def lineage_warnings(ir: IR, edges: list[Edge], diagnostics: Diagnostics) -> None:
    """W582 for datasets nothing reads (no edge leaves them), W583 for models no pipeline
    produces (no ``produces`` edge enters them); W586/W587 for OpenLineage dataset names."""
    from mlopsc.lineage.naming_checks import naming_warnings
    from mlopsc.source import parse_path

    naming_warnings(ir, diagnostics)

    sources = {source for source, _, _ in edges}
    produced = {target for _, target, relation in edges if relation == "produces"}
    for dataset in ir.datasets:
        if dataset.id not in sources:
            diagnostics.add("W582", f"dataset {dataset.name!r} is not read by any pipeline, "
                            "feature set, model or monitor", path=parse_path(dataset.path),
                            key=True)
    for model in ir.models:
        if model.id not in produced:
            diagnostics.add("W583", f"model {model.name!r} is produced by no pipeline",
                            path=parse_path(model.path), key=True)


def downstream(graph: nx.DiGraph[str], node: str) -> list[str]:
    """Everything that depends on ``node``, sorted."""
    import networkx as nx

    return sorted(nx.descendants(graph, node))


def upstream(graph: nx.DiGraph[str], node: str) -> list[str]:
    """Everything ``node`` came from, sorted."""
    import networkx as nx

    return sorted(nx.ancestors(graph, node))
