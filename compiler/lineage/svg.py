"""The lineage graph as SVG, laid out in pure Python (no Graphviz at run time).

The layout is :mod:`mlopsc.lineage.svg_layout`'s: topological generations as columns, data
flowing left to right; edges are curves with arrow heads from a node's right side to the
next node's left side. Coordinates are integers computed from the graph alone, so the
bytes depend on the graph only. Labels are drawn in a monospace font, so their width is
known without font metrics.

Every spec string is text content or a double-quoted attribute value, escaped for XML and
HTML alike (``& < > "``), cut to one line of printable characters: a name such as
``</svg><script>`` or ``"onload=`` shows as written and adds no element or attribute.
"""

from __future__ import annotations

import re
import unicodedata

import networkx as nx

from mlopsc.lineage.common import KINDS, kind_groups, node_label, sorted_edges, xml_text
from mlopsc.lineage.common import one_line as _one_line
from mlopsc.lineage.svg_layout import MARGIN, NODE_H, Layout, layout

# kind -> (fill, stroke, corner radius): the colours of the DOT export.
STYLE = {
    "dataset": ("#dbeafe", "#1d4ed8", 14),
    "feature-set": ("#cffafe", "#0e7490", 14),
    "pipeline": ("#fef3c7", "#b45309", 6),
    "model": ("#dcfce7", "#15803d", 0),
    "deployment": ("#ede9fe", "#6d28d9", 0),
    "slo": ("#fee2e2", "#b91c1c", 3),
    "monitor": ("#fce7f3", "#be185d", 3),
}
OTHER_STYLE = ("#f3f4f6", "#4b5563", 3)
assert set(STYLE) == set(KINDS)

FONT = 12
CHAR_W = 7.2  # a monospace advance at 12 px (0.6 em)
LINE_H = 16
MAX_CHARS = 32  # longer lines are cut with an ellipsis (the whole label is the tooltip)
_KIND_CLASS = re.compile(r"[^a-z0-9-]")
_LINE_STYLE = ('font-weight="bold"', 'fill="#374151"')  # the name, then kind and owner
_ARROW = ('<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
          'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
          '<path d="M0,0 L10,5 L0,10 z" fill="#4b5563"/></marker></defs>')


def render_svg(graph: nx.DiGraph[str], notice: str) -> str:
    """The graph as a standalone SVG document, starting with the notice as a comment.

    >>> g = nx.DiGraph(name="p")
    >>> g.add_node("dataset:d", kind="dataset", name="<d>", version="1.0.0", owner="")
    >>> print(render_svg(g, "n"))  # doctest: +ELLIPSIS
    <?xml version="1.0" encoding="UTF-8"?>
    <!-- n -->
    <svg xmlns="http://www.w3.org/2000/svg" ...
    ...<tspan x="28" y="63" font-weight="bold">&lt;d&gt;</tspan>...
    """
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<!-- {comment_text(notice)} -->\n{svg_element(graph)}\n")


def svg_element(graph: nx.DiGraph[str]) -> str:
    """The ``<svg>`` element alone, fit to be placed inside an HTML page."""
    chars = label_chars(graph)
    where = layout(graph, int(chars * CHAR_W) + 24)
    name = esc(one_line(str(graph.graph.get("name", ""))))
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" role="img" '
            f'width="{where.width}" height="{where.height}" '
            f'viewBox="0 0 {where.width} {where.height}" font-family='
            f'"DejaVu Sans Mono,Menlo,Consolas,monospace" font-size="{FONT}">')
    return "\n".join([head, f"<title>Lineage of {name}</title>", _ARROW, *_legend(graph),
                      *_edges(graph, where), *_nodes(graph, where, chars), "</svg>"])


def label_chars(graph: nx.DiGraph[str]) -> int:
    """Columns of text in every box: the longest label line, 12 to :data:`MAX_CHARS`."""
    longest = max((display_width(line) for node in graph
                   for line in _lines(graph.nodes[node])), default=0)
    return max(12, min(longest, MAX_CHARS))


def _legend(graph: nx.DiGraph[str]) -> list[str]:
    out, x = [], MARGIN
    for kind, _nodes in kind_groups(graph):
        fill, stroke, radius = STYLE.get(kind, OTHER_STYLE)
        label = esc(cut(one_line(kind), 20))
        out.append(f'<g class="legend"><rect x="{x}" y="{MARGIN}" width="14" height="14" '
                   f'rx="{min(radius, 7)}" fill="{fill}" stroke="{stroke}"/>'
                   f'<text x="{x + 20}" y="{MARGIN + 11}">{label}</text></g>')
        x += 20 + int(display_width(kind) * CHAR_W) + 18
    return out


def _edges(graph: nx.DiGraph[str], where: Layout) -> list[str]:
    out = []
    half = NODE_H // 2
    for source, target, relation in sorted_edges(graph):
        (x1, y1), (x2, y2) = where.pos[source], where.pos[target]
        if x2 > x1:  # forward: curves between the facing sides, through the waypoints
            d = _route([(x1 + where.node_w, y1 + half),
                        *where.waypoints.get((source, target), []), (x2, y2 + half)],
                       where.node_w // 2)
        else:  # within one column (a cycle): straight, from one box's edge to the other's
            x = x2 + where.node_w // 2
            d = (f"M{x},{y1 + NODE_H} L{x},{y2}" if y2 > y1 else f"M{x},{y1} L{x},{y2 + NODE_H}")
        out.append(f'<path class="edge" d="{d}" fill="none" stroke="#4b5563" '
                   f'stroke-width="1.2" marker-end="url(#lineage-arrow)">'
                   f"<title>{esc(one_line(f'{source} {relation} {target}'))}</title></path>")
    return out


def _route(points: list[tuple[int, int]], half_w: int) -> str:
    """A path from the first point to the last; each middle point is a waypoint's centre,
    crossed by a straight line as wide as a box."""
    x, y = points[0]
    d = [f"M{x},{y}"]
    for i, (cx, cy) in enumerate(points[1:], 1):
        last = i == len(points) - 1
        nx_ = cx if last else cx - half_w
        bend = (nx_ - x) // 2
        d.append(f"C{x + bend},{y} {nx_ - bend},{cy} {nx_},{cy}")
        x, y = nx_, cy
        if not last:
            x = cx + half_w
            d.append(f"L{x},{y}")
    return " ".join(d)


def _nodes(graph: nx.DiGraph[str], where: Layout, chars: int) -> list[str]:
    out = []
    for node in sorted(graph):
        attrs = graph.nodes[node]
        kind = str(attrs.get("kind", ""))
        fill, stroke, radius = STYLE.get(kind, OTHER_STYLE)
        x, y = where.pos[node]
        lines = _lines(attrs)
        spans = "".join(
            f'<tspan x="{x + 12}" y="{y + 3 + LINE_H * (i + 1)}" {_LINE_STYLE[min(i, 1)]}>'
            f"{esc(cut(line, chars))}</tspan>" for i, line in enumerate(lines))
        tooltip = esc("\n".join([one_line(node), *lines]))
        out.append(f'<g class="node kind-{_KIND_CLASS.sub("-", kind.lower())}" '
                   f'data-id="{esc(one_line(node))}"><title>{tooltip}</title>'
                   f'<rect x="{x}" y="{y}" width="{where.node_w}" height="{NODE_H}" '
                   f'rx="{radius}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
                   f'<text x="{x + 12}" y="{y + 6}">{spans}</text></g>')
    return out


def _lines(attrs: dict[str, object]) -> list[str]:
    """The node's label lines, each one line of printable text."""
    return [one_line(line) for line in node_label(dict(attrs)).split("\n")]


def one_line(text: str) -> str:
    """:func:`mlopsc.lineage.common.one_line`, without its loop for the common case."""
    return text if text.isprintable() else _one_line(text)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace font: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` columns, an ellipsis marking the cut (before escaping, so
    no character reference is ever cut in two)."""
    if display_width(text) <= limit:
        return text
    out, used = [], 0
    for c in text:
        used += display_width(c)
        if used > limit - 1:
            break
        out.append(c)
    return "".join(out) + "\u2026"


def esc(text: str) -> str:
    """``text`` as XML/HTML character data or a double-quoted attribute value.

    >>> esc('</svg><script>"x" & ]]>')
    '&lt;/svg&gt;&lt;script&gt;&quot;x&quot; &amp; ]]&gt;'
    """
    return (xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def comment_text(text: str) -> str:
    """One line fit for an XML or HTML comment: no ``--`` and no ``>`` can end it."""
    text = esc(one_line(text))
    while "--" in text:
        text = text.replace("--", "- -")
    return text
