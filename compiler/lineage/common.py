"""What the lineage exports share: node order by kind, node labels, and text made safe.

Every export lists nodes grouped by kind in lineage order (data first, then what is built
from it, then what watches it), nodes of one kind by id, and edges by (source, target), so
the bytes depend on the graph only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import networkx as nx

KINDS = ("dataset", "feature-set", "pipeline", "model", "deployment", "slo", "monitor")
"""Node kinds in lineage order; a graph may hold others (they come last, by name)."""


def kind_groups(graph: nx.DiGraph[str]) -> Iterator[tuple[str, list[str]]]:
    """``(kind, node ids)`` in lineage order, ids sorted; kinds without nodes are skipped."""
    groups: dict[str, list[str]] = {}
    for node in sorted(graph):
        groups.setdefault(str(graph.nodes[node].get("kind", "")), []).append(node)
    known = [k for k in KINDS if k in groups]
    for kind in known + sorted(set(groups) - set(known)):
        yield kind, groups[kind]


def sorted_edges(graph: nx.DiGraph[str]) -> list[tuple[str, str, str]]:
    """``(source, target, relation)`` sorted by source, then target."""
    return [(s, t, str(graph.edges[s, t].get("relation", ""))) for s, t in sorted(graph.edges)]


def node_label(attrs: dict[str, Any]) -> str:
    """The text a diagram shows for a node: name, kind and version, owner when known.

    >>> node_label({"name": "t", "kind": "dataset", "version": "3.2.0", "owner": "team"})
    't\\ndataset 3.2.0\\nteam'
    """
    second = " ".join(str(attrs[k]) for k in ("kind", "version") if attrs.get(k))
    owner = str(attrs.get("owner") or "")
    return "\n".join([str(attrs.get("name", "")), second] + ([owner] if owner else []))


def one_line(text: str) -> str:
    """``text`` fit for a one-line comment: no character that could end the line.

    Every character that is not printable (line breaks, controls, separators) becomes
    U+FFFD, so a file name in the generated-file notice cannot start a new line of code.
    """
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def xml_text(text: str) -> str:
    """``text`` with what XML 1.0 cannot hold replaced by U+FFFD, line ends as ``\\n``.

    XML parsers turn CR and CRLF into LF anyway; doing it here keeps the file what a reader
    gets back.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("\ufffd", text)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def is_xml_char(c: str) -> bool:
    """True when XML 1.0 can hold ``c`` (as itself or as a character reference)."""
    code = ord(c)
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)
