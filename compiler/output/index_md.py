"""``README.md`` of the output directory, rendered from the ``index.json`` document.

Every text a target or plugin declares and every path goes through the escaping of
:mod:`mlopsc.governance.markdown`; commands go into fenced code blocks whose fence is
longer than any backtick run inside them, so no path can end the block and add markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mlopsc.governance.markdown import comment, inline, table, text

_BACKTICKS = re.compile(r"`+")
_INTRO = ("Written by `mlopsc compile`; do not edit. Apply the folders in the order below and "
          "run every command from this directory (the folder holding this file). `$NAME` in a "
          "command is a value you set in the shell first. `index.json` says the same for "
          "scripts.")


def render(document: dict[str, Any]) -> str:
    """The Markdown index: the order table, then one section per folder with its commands."""
    folders: list[dict[str, Any]] = document["folders"]
    parts = [
        comment(document["generated_by"]),
        "# What is in this directory",
        _INTRO,
        table(["order", "folder", "stage", "what it is", "tools", "files"],
              [[f["order"], f["folder"] + "/", f["stage"], f["what"],
                ", ".join(f["tools"]) or "none", len(f["files"])] for f in folders]),
    ]
    for folder in folders:
        parts += list(_section(folder))
    parts.append("## mlopsc's own files")
    parts.append("\n".join(f"- {inline(own['path'])}: {inline(own['what'])}"
                           for own in document["own_files"]))
    return "\n\n".join(parts) + "\n"


def _section(folder: dict[str, Any]) -> Iterator[str]:
    yield f"## {folder['order']}. {inline(folder['folder'] + '/')} ({inline(folder['stage'])})"
    yield text(folder["how"])
    if folder["docs"]:
        yield f"Documentation: {inline(folder['docs'])}"
    for group in _groups(folder["steps"]):
        first = group[0]
        label = first["purpose"] or "run"
        when = f"; when {first['when']}" if first["when"] else ""
        yield f"{inline(label)} — {inline(first['tool'] + when, block_start=False)}:"
        yield fenced([step["command"] for step in group])


def _groups(steps: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive commands of one declared step, together."""
    group: list[dict[str, Any]] = []
    for step in steps:
        key = (step["tool"], step["purpose"], step["when"])
        if group and key != (group[0]["tool"], group[0]["purpose"], group[0]["when"]):
            yield group
            group = []
        group.append(step)
    if group:
        yield group


def fenced(lines: list[str]) -> str:
    """A ``sh`` code block that no line can close early.

    >>> print(fenced(["echo '```'"]))
    ````sh
    echo '```'
    ````
    """
    body = "\n".join(lines)
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}sh\n{body}\n{fence}"
