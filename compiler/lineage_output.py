"""Always-on output: the lineage graph under ``lineage/``."""

from __future__ import annotations

import json

import networkx as nx

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR
from mlopsc.target import Artifact, EmitOptions


def node_link(graph: nx.DiGraph) -> dict:
    """Node-link JSON with nodes and edges in id order (deterministic)."""
    return {
        "directed": True,
        "graph": {"name": graph.graph.get("name", "")},
        "nodes": [{"id": n, **dict(sorted(graph.nodes[n].items()))} for n in sorted(graph)],
        "edges": [{"source": s, "target": t, "relation": graph.edges[s, t]["relation"]}
                  for s, t in sorted(graph.edges)],
    }


class LineageOutput:
    name = "lineage"
    description = "lineage graph of datasets, pipelines, models, deployments, SLOs and monitors"

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        graph = options.context["lineage"]
        text = json.dumps(node_link(graph), indent=2, sort_keys=False, ensure_ascii=False)
        return [Artifact("graph.json", (text + "\n").encode())]
