"""Always-on output: the lineage graph under ``lineage/`` in every format.

``graph.json`` (networkx node-link), ``graph.dot`` (Graphviz), ``graph.mmd`` (Mermaid),
``graph.graphml`` and ``openlineage.jsonl`` (OpenLineage static events, one per line).
``mlopsc lineage --graph-format`` prints the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import networkx as nx

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR
from mlopsc.target import Artifact, EmitOptions


def node_link(graph: nx.DiGraph[str]) -> dict[str, Any]:
    """Node-link JSON with nodes and edges in id order (deterministic).

    ``networkx.node_link_graph(data, edges="edges")`` reads it back as a ``DiGraph``.
    """
    return {
        "directed": True,
        "multigraph": False,
        "graph": {"name": graph.graph.get("name", "")},
        "nodes": [{"id": n, **dict(sorted(graph.nodes[n].items()))} for n in sorted(graph)],
        "edges": [{"source": s, "target": t, "relation": graph.edges[s, t]["relation"]}
                  for s, t in sorted(graph.edges)],
    }


def _json(graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    return (json.dumps(node_link(graph), indent=2, ensure_ascii=False) + "\n").encode()


def _dot(graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    from mlopsc.lineage.dot import render_dot

    return render_dot(graph, notice).encode()


def _mermaid(graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    from mlopsc.lineage.mermaid import render_mermaid

    return render_mermaid(graph, notice).encode()


def _graphml(graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    from mlopsc.lineage.graphml import render_graphml

    return render_graphml(graph, notice).encode()


def _openlineage(graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    from mlopsc.lineage.openlineage import render

    return render(ir)


# format -> (file under lineage/, renderer); JSON formats carry no notice (no comments).
FORMATS: dict[str, tuple[str, Callable[[nx.DiGraph[str], IR, str], bytes]]] = {
    "json": ("graph.json", _json),
    "dot": ("graph.dot", _dot),
    "mermaid": ("graph.mmd", _mermaid),
    "graphml": ("graph.graphml", _graphml),
    "openlineage": ("openlineage.jsonl", _openlineage),
}


def _svg(graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    from mlopsc.lineage.svg import render_svg

    return render_svg(graph, notice).encode()


ON_REQUEST: dict[str, Callable[[nx.DiGraph[str], IR, str], bytes]] = {"svg": _svg}
"""Formats ``mlopsc lineage --graph-format`` prints but a compile does not write: an SVG
drawing (the governance report's) is for reading, and ``graph.dot`` already renders to one."""


def render(fmt: str, graph: nx.DiGraph[str], ir: IR, notice: str) -> bytes:
    """One export as bytes, e.g. ``render("dot", graph, ir, options.header())``."""
    if fmt in ON_REQUEST:
        return ON_REQUEST[fmt](graph, ir, notice)
    return FORMATS[fmt][1](graph, ir, notice)


class LineageOutput:
    name = "lineage"
    description = "lineage graph of datasets, pipelines, models, deployments, SLOs and monitors"

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        graph = options.lineage
        if graph is None:  # run by hand, without the lineage pass: the graph of the IR alone
            from mlopsc.passes.build_lineage import build_lineage

            graph = build_lineage(ir)
        from mlopsc.lineage.openlineage import render as openlineage

        # The OpenLineage events name their producer's version, which is the compile's (it
        # may be pinned, see Options.version) rather than a comment's.
        return [Artifact(path, openlineage(ir, version=options.version) if fmt == "openlineage"
                         else renderer(graph, ir, options.header()))
                for fmt, (path, renderer) in FORMATS.items()]
