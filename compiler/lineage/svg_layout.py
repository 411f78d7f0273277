"""A layered layout of the lineage graph for :mod:`mlopsc.lineage.svg`, in integers.

Columns are the topological generations of the graph of strong components (a cycle, which
the checks refuse anyway, shares one column). An edge that spans several columns passes
through a waypoint in each column between its ends, so it runs in the gaps between boxes
rather than behind them. Rows are ordered by a few barycentre sweeps (each item moves
towards the mean row of its neighbours in the column before or after), ties broken by the
previous order, which starts as kind then id: the result depends on the graph alone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import networkx as nx

from mlopsc.lineage.common import KINDS

NODE_H, WAY_H = 60, 6
COL_GAP, ROW_GAP, MARGIN, LEGEND_H = 72, 18, 16, 28
SWEEPS = 4


@dataclass
class Layout:
    """Where things go: ``pos[node]`` is the top-left corner of a node's box,
    ``waypoints[(source, target)]`` the centre of each waypoint the edge passes, in order."""

    node_w: int
    width: int = 0
    height: int = 0
    pos: dict[str, tuple[int, int]] = field(default_factory=dict)
    waypoints: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)


def layout(graph: nx.DiGraph[str], node_w: int) -> Layout:
    """The layout of ``graph`` with boxes ``node_w`` wide and :data:`NODE_H` high."""
    cols, chains = _columns(graph)
    _order(cols, _neighbours(chains, graph))
    out = Layout(node_w)
    heights = [sum((NODE_H if item in graph else WAY_H) + ROW_GAP for item in col) - ROW_GAP
               for col in cols]
    span = max(heights, default=NODE_H)
    centre: dict[str, tuple[int, int]] = {}
    for i, col in enumerate(cols):
        x, y = MARGIN + i * (node_w + COL_GAP), MARGIN + LEGEND_H + (span - heights[i]) // 2
        for item in col:
            height = NODE_H if item in graph else WAY_H
            centre[item] = (x + node_w // 2, y + height // 2)
            if item in graph:
                out.pos[item] = (x, y)
            y += height + ROW_GAP
    out.waypoints = {edge: [centre[w] for w in ways] for edge, ways in chains.items()}
    out.width = 2 * MARGIN + max(len(cols), 1) * (node_w + COL_GAP) - COL_GAP
    out.height = 2 * MARGIN + LEGEND_H + span
    return out


def _columns(graph: nx.DiGraph[str]) -> tuple[list[list[str]], dict[tuple[str, str], list[str]]]:
    """Items per column (nodes by kind then id, then waypoints) and each edge's waypoints."""
    condensed = nx.condensation(graph)
    member = condensed.graph["mapping"]
    layer_of = {c: i for i, generation in enumerate(nx.topological_generations(condensed))
                for c in generation}
    layer = {node: layer_of[member[node]] for node in graph}
    cols: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for node in sorted(graph, key=lambda n: (_kind_rank(graph, n), n)):
        cols[layer[node]].append(node)
    chains: dict[tuple[str, str], list[str]] = {}
    for source, target in sorted(graph.edges):
        ways = [_waypoint(source, target, i) for i in range(layer[source] + 1, layer[target])]
        for i, way in zip(range(layer[source] + 1, layer[target]), ways, strict=True):
            cols[i].append(way)
        chains[(source, target)] = ways
    return cols, chains


def _neighbours(chains: dict[tuple[str, str], list[str]],
                graph: nx.DiGraph[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Predecessors and successors of every item, one column apart."""
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for (source, target), ways in chains.items():
        path = [source, *ways, target]
        for a, b in itertools.pairwise(path):
            after.setdefault(a, []).append(b)
            before.setdefault(b, []).append(a)
    return before, after


def _order(cols: list[list[str]], links: tuple[dict[str, list[str]], dict[str, list[str]]]
           ) -> None:
    """Barycentre sweeps, forward then backward, in place."""
    before, after = links
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(cols)) if forward else range(len(cols) - 2, -1, -1)
        for i in indices:
            neighbour_col = cols[i - 1] if forward else cols[i + 1]
            cols[i] = _by_barycentre(cols[i], neighbour_col, before if forward else after)


def _by_barycentre(col: list[str], ref_col: list[str],
                   neighbours: dict[str, list[str]]) -> list[str]:
    """``col`` sorted by the mean row of each item's neighbours in ``ref_col``; an item
    without any keeps its row, and ties keep the previous order."""
    ref = {item: r for r, item in enumerate(ref_col)}

    def key(entry: tuple[int, str]) -> tuple[float, int]:
        row, item = entry
        near = [ref[n] for n in neighbours.get(item, []) if n in ref]
        return (sum(near) / len(near) if near else float(row), row)
    return [item for _row, item in sorted(enumerate(col), key=key)]


def _waypoint(source: str, target: str, column: int) -> str:
    # Not a node id: ids are "kind:name" with a DNS-1123 name, which holds no NUL.
    return f"\0{source}\0{target}\0{column}"


def _kind_rank(graph: nx.DiGraph[str], node: str) -> int:
    kind = graph.nodes[node].get("kind")
    return KINDS.index(kind) if kind in KINDS else len(KINDS)
