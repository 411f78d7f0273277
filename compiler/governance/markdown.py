"""Markdown that no spec string can add markup to: escaping and small table helpers.

Every value from a spec passes through :func:`text` (a paragraph) or :func:`inline`
(a table cell, a list item, a heading). CommonMark lets a backslash escape any ASCII
punctuation, so escaping each character that starts markup makes the value literal:
no link, image, HTML tag, entity, emphasis, code span, heading, list, block quote,
table cell border or (on GitHub) math can come out of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Characters that open inline markup anywhere in a line (links, images, HTML, entities,
# emphasis, code, strikethrough, GFM table borders, GitHub math, footnotes); "@" because
# GitHub turns bare e-mail addresses into links.
_INLINE = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|~&!$#@"})
# GitHub also links bare "https://..." and "www.example.com": break the pattern.
_AUTOLINK = re.compile(r"(?i)(:)(?=//)|\b(www)(\.)")
# Markup that only counts at the start of a block: bullets, setext underlines, "1." / "1)".
_BULLET = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def inline(value: object, *, block_start: bool = True) -> str:
    """One line of literal text, safe in a list item, heading or (``block_start=False``)
    a table cell, where list markers mean nothing.

    >>> print(inline("see [me](http://x) <b>|"))
    see \\[me\\](http\\://x) \\<b\\>\\|
    >>> print(inline("1. first"), inline("1. first", block_start=False))
    1\\. first 1. first
    >>> inline(None)
    '—'
    """
    if value is None or value == "":
        return "—"
    flat = " ".join(_plain(value).split())
    escaped = flat.translate(_INLINE)
    escaped = _AUTOLINK.sub(lambda m: "\\:" if m.group(1) else m.group(2) + "\\.", escaped)
    if block_start:
        escaped = _ORDERED.sub(r"\1\\\2", _BULLET.sub(r"\\\1", escaped))
    return escaped


def text(value: object) -> str:
    """Paragraphs of literal text: blank lines separate paragraphs, other breaks are spaces.

    >>> print(text("# not a heading\\n\\n1. not a list"))
    \\# not a heading
    <BLANKLINE>
    1\\. not a list
    """
    if value is None or value == "":
        return "—"
    paragraphs = re.split(r"\n\s*\n", _plain(value).replace("\r\n", "\n").replace("\r", "\n"))
    return "\n\n".join(inline(p) for p in paragraphs if p.strip()) or "—"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GFM table; header names are ours, every cell is escaped with :func:`inline`.

    >>> print(table(["a", "b"], [["x|y", None]]))
    | a | b |
    | --- | --- |
    | x\\|y | — |
    """
    escaped: dict[tuple[type, object], str] = {}  # cells repeat a lot (codes, statuses)

    def cell(value: object) -> str:
        key = (type(value), value)
        if key not in escaped:
            escaped[key] = inline(value, block_start=False)
        return escaped[key]

    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def bullets(items: Iterable[object]) -> str:
    """A list with one escaped item per line (``—`` when empty)."""
    lines = [f"- {inline(item)}" for item in items]
    return "\n".join(lines) if lines else "—"


def joined(values: Iterable[object], empty: str = "") -> str:
    """Values joined with ", " (escaping happens in :func:`inline` later)."""
    items = [str(v) for v in values if v is not None and v != ""]
    return ", ".join(items) if items else empty


def comment(line: str) -> str:
    """An HTML comment (the generated-file notice): no ``--`` or ``>`` can end it early.

    >>> comment("a---b --> c")
    '<!-- a- - -b - -&gt; c -->'
    """
    text = line.replace(">", "&gt;")
    while "--" in text:
        text = text.replace("--", "- -")
    return "<!-- " + text + " -->"
