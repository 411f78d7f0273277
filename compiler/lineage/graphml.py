"""The lineage graph in GraphML, written by networkx from a copy built in sorted order.

networkx declares attribute keys (``d0``, ``d1`` ...) in the order it meets them and writes
elements in insertion order, so a copy with the graph's name first, then nodes by id with
their attributes by name, then edges by (source, target), gives the same bytes every time.
ElementTree escapes markup; what XML cannot hold at all is replaced first (see
:func:`mlopsc.lineage.common.xml_text`).
"""

from __future__ import annotations

import re

import networkx as nx

from mlopsc.lineage.common import one_line, xml_text


def render_graphml(graph: nx.DiGraph[str], notice: str) -> str:
    """The graph as a GraphML document with the notice as an XML comment."""
    body = "\n".join(nx.generate_graphml(_sorted_copy(graph), prettyprint=True))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml_comment(notice)}\n{body}\n'


def xml_comment(text: str) -> str:
    """An XML comment holding ``text`` on one line; ``--`` cannot occur in it.

    >>> xml_comment("a--b-")
    '<!-- a- -b- -->'
    """
    text = re.sub(r"-(?=-)", "- ", xml_text(one_line(text)))
    return f"<!-- {text} -->"


def _sorted_copy(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    copy: nx.DiGraph[str] = nx.DiGraph()
    copy.graph["name"] = _text(graph.graph.get("name"))
    for node in sorted(graph):
        attrs = graph.nodes[node]
        copy.add_node(xml_text(node), **{k: _text(attrs[k]) for k in sorted(attrs)})
    for source, target in sorted(graph.edges):
        attrs = graph.edges[source, target]
        copy.add_edge(xml_text(source), xml_text(target),
                      **{k: _text(attrs[k]) for k in sorted(attrs)})
    return copy


def _text(value: object) -> str:
    return xml_text("" if value is None else str(value))
