"""The lineage graph in Graphviz DOT: one subgraph of node defaults per kind, edges labelled.

Every id and every text is written as a double-quoted DOT string. Labels are Graphviz escape
strings in which Graphviz also reads HTML entities, so besides ``"`` and ``\\`` an ``&`` is
written ``&amp;`` and a line break ``\\n``: a spec string shows as written and cannot close
the string, add an attribute, a node or an edge. Nodes carry no tooltip: Graphviz (2.43)
expands ``\\N`` in tooltips even when escaped, and the SVG shows the node id on hover anyway.
"""

from __future__ import annotations

import networkx as nx

from mlopsc.lineage.common import (
    KINDS,
    is_xml_char,
    kind_groups,
    node_label,
    one_line,
    sorted_edges,
)

_STYLE = {
    "dataset": 'shape=cylinder, fillcolor="#dbeafe"',
    "feature-set": 'shape=cylinder, fillcolor="#cffafe"',
    "pipeline": 'shape=box, style="rounded,filled", fillcolor="#fef3c7"',
    "model": 'shape=hexagon, fillcolor="#dcfce7"',
    "deployment": 'shape=box3d, fillcolor="#ede9fe"',
    "slo": 'shape=note, fillcolor="#fee2e2"',
    "monitor": 'shape=note, fillcolor="#fce7f3"',
}
assert set(_STYLE) == set(KINDS)


def render_dot(graph: nx.DiGraph[str], notice: str) -> str:
    """The graph as a DOT document, starting with ``// notice``.

    >>> g = nx.DiGraph(name="p")
    >>> g.add_node("dataset:d", kind="dataset", name="d", version="1.0.0", owner="")
    >>> print(render_dot(g, "n"))  # doctest: +ELLIPSIS
    // n
    digraph "p" {
    ...
        "dataset:d" [label="d\\ndataset 1.0.0"];
    ...
    """
    name = str(graph.graph.get("name", ""))
    lines = [f"// {one_line(notice)}",
             f"digraph {quote_id(name)} {{",
             f'  graph [label={quote_text(name)}, labelloc=t, rankdir=LR, fontname="Helvetica"];',
             '  node [style=filled, fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#4b5563"];']
    for kind, nodes in kind_groups(graph):
        lines.append(f"  subgraph {quote_id('kind:' + kind)} {{")
        if kind in _STYLE:
            lines.append(f'    node [{_STYLE[kind]}, class="{kind}"];')
        for node in nodes:
            label = quote_text(node_label(graph.nodes[node]))
            lines.append(f"    {quote_id(node)} [label={label}];")
        lines.append("  }")
    for source, target, relation in sorted_edges(graph):
        lines.append(f"  {quote_id(source)} -> {quote_id(target)} "
                     f"[label={quote_text(relation)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def quote_id(text: str) -> str:
    """A DOT id: double-quoted, ``"`` and ``\\`` escaped, unprintables as ``\\uXXXX``.

    DOT keeps ``\\\\`` as two backslashes in an id, so the escaping is one-to-one (two
    different ids never meet) though an id with a backslash reads back doubled.
    """
    if text.isprintable():
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04x}")
    return '"' + "".join(out) + '"'


def quote_text(text: str) -> str:
    """A DOT escape string (a label) that Graphviz shows exactly as ``text``.

    >>> quote_text('a "b" & \\\\N\\n')
    '"a \\\\"b\\\\" &amp; \\\\\\\\N\\\\n"'
    """
    if text.replace("\n", "").isprintable():  # the common case, without a loop
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace(
            "&", "&amp;").replace("\n", "\\n") + '"'
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "&":
            out.append("&amp;")
        elif c == "\n":
            out.append("\\n")
        elif not is_xml_char(c):
            out.append("\ufffd")  # Graphviz writes SVG; XML cannot hold these at all
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"&#{ord(c)};")
    return '"' + "".join(out) + '"'
