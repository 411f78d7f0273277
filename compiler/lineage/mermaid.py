"""The lineage graph as a Mermaid flowchart: a shape and a class per kind, edges labelled.

Mermaid ids are letters, digits and ``_`` derived from the node ids. Every label is a
quoted Mermaid string in which anything but letters, digits, spaces and ``-_.,:/@+=`` is a
Mermaid entity code (``#34;``); line breaks are ``<br>``. So no spec string can close the
string, start Markdown or HTML, or add a node, an edge or a directive.
"""

from __future__ import annotations

import re

import networkx as nx

from mlopsc.lineage.common import KINDS, kind_groups, node_label, one_line, sorted_edges

# (opening, closing) brackets of the node shape, and the class's style.
_SHAPE = {
    "dataset": ("[(", ")]"),
    "feature-set": ("[(", ")]"),
    "pipeline": ("[[", "]]"),
    "model": ("{{", "}}"),
    "deployment": ("(", ")"),
    "slo": ("([", "])"),
    "monitor": ("([", "])"),
}
_FILL = {
    "dataset": "#dbeafe", "feature-set": "#cffafe", "pipeline": "#fef3c7", "model": "#dcfce7",
    "deployment": "#ede9fe", "slo": "#fee2e2", "monitor": "#fce7f3",
}
assert set(_SHAPE) == set(_FILL) == set(KINDS)

_SAFE = frozenset(" -_.,:/@+=")
_PLAIN = re.compile(r"[A-Za-z0-9 \-_.,:/@+=\n]*")
# Words a Mermaid flowchart reads as syntax when they stand alone as a node id.
_RESERVED = frozenset({"end", "graph", "flowchart", "subgraph", "direction", "style",
                       "class", "classdef", "click", "linkstyle", "call", "href"})


def render_mermaid(graph: nx.DiGraph[str], notice: str) -> str:
    """The graph as a Mermaid flowchart (left to right), starting with ``%% notice``."""
    ids = mermaid_ids(graph)
    lines = [f"%% {one_line(notice)}", "flowchart LR"]
    for kind, nodes in kind_groups(graph):
        opening, closing = _SHAPE.get(kind, ("[", "]"))
        for node in nodes:
            label = quote_label(node_label(graph.nodes[node]))
            lines.append(f"    {ids[node]}{opening}{label}{closing}")
    for source, target, relation in sorted_edges(graph):
        arrow = f"-->|{quote_label(relation)}|" if relation else "-->"
        lines.append(f"    {ids[source]} {arrow} {ids[target]}")
    for kind, nodes in kind_groups(graph):
        if kind in _FILL:
            css = _class_name(kind)
            lines.append(f"    classDef {css} fill:{_FILL[kind]},stroke:#374151")
            lines.append(f"    class {','.join(ids[n] for n in nodes)} {css}")
    return "\n".join(lines) + "\n"


def mermaid_ids(graph: nx.DiGraph[str]) -> dict[str, str]:
    """A Mermaid id per node: ``dataset:transactions`` -> ``dataset_transactions``.

    Runs of other characters become ``_``; an id that would start with a non-letter or be a
    keyword gets an ``n_`` prefix, and one already taken (in id order) a ``_2``, ``_3`` ...
    suffix, so ids stay readable and distinct.
    """
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in sorted(graph):
        base = re.sub(r"[^A-Za-z0-9]+", "_", node).strip("_")
        if not base[:1].isalpha() or base.lower() in _RESERVED:
            base = "n_" + base
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}_{n}"
        taken.add(candidate.lower())
        ids[node] = candidate
    return ids


def quote_label(text: str) -> str:
    """A quoted Mermaid label showing ``text``.

    >>> quote_label('a "b" <i>\\nc')
    '"a #34;b#34; #60;i#62;<br>c"'
    """
    if _PLAIN.fullmatch(text):  # the common case, without a loop
        return '"' + text.replace("\n", "<br>") + '"'
    out = []
    for c in text:
        if c == "\n":
            out.append("<br>")
        elif (c.isalnum() and c.isprintable()) or c in _SAFE:
            out.append(c)
        else:
            out.append(f"#{ord(c)};")
    return '"' + "".join(out) + '"'


def _class_name(kind: str) -> str:
    return kind.replace("-", "_")
