"""The Markdown of ``mlopsc plan``: a pull-request comment that fits GitHub's limit.

A plan that fits keeps the order Outputs, Governance, Breaking changes. A longer one puts
Governance and Breaking changes first, file diffs last, cuts long lines and leaves out
whole units that no longer fit, with a note saying what and where the full plan is.
Every string from the spec or the command line is escaped for Markdown.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from mlopsc.governance import markdown as md

if TYPE_CHECKING:
    from mlopsc.tools.plan import Plan

MAX_DIFF_LINES = 40
MAX_DIFFED_FILES = 25


def _fence(lines: list[str]) -> str:
    """A code fence longer than any backtick run in ``lines``, so content cannot close it."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    """An inline code span that no backtick in ``text`` can close early."""
    flat = " ".join(text.split())
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


MAX_COMMENT_CHARS = 60_000
"""A plan longer than this is shortened: GitHub refuses comments over 65,536 characters."""
MAX_LINE_CHARS = 400
"""In a shortened plan, diff lines and sentences longer than this are cut."""

Unit = tuple[str, list[str]]
"""One piece of the bounded comment that is kept or left out whole: (what it is, lines)."""


def _cut(text: str, keep: int | None) -> str:
    """``text`` cut to ``keep`` characters with a marker saying how many were dropped."""
    if keep is None or len(text) <= keep:
        return text
    return f"{text[:keep]} … [{len(text) - keep} more characters cut]"


def render_markdown(plan: Plan, spec_name: str, full_output: str | None = None,
                    limit: int = MAX_COMMENT_CHARS) -> str:
    """A pull-request comment; every string from the spec or the command line is escaped.

    A plan that fits in ``limit`` characters keeps its usual order (Outputs, Governance,
    Breaking changes). A longer one puts Governance and Breaking changes first and file
    diffs last, cuts long lines, drops what does not fit, and says in a note what was left
    out and where the full plan (``full_output``, from :func:`render_full`) is.
    """
    text = _render(plan, spec_name, full=False)
    return text if len(text) <= limit else _bounded(plan, spec_name, full_output, limit)


def render_full(plan: Plan, spec_name: str) -> str:
    """The whole plan: every changed file's whole diff, no line cut."""
    return _render(plan, spec_name, full=True)


def _render(plan: Plan, spec_name: str, *, full: bool) -> str:
    out = _header(plan, spec_name)
    for _, lines in _render_outputs(plan, full=full, keep=None):
        out += lines
    out += ["", "### Governance", "", *_governance_lines(plan, None)]
    out += ["", "### Breaking changes", "", *_breaking_lines(plan, None)]
    return "\n".join(out) + "\n"


def _header(plan: Plan, spec_name: str) -> list[str]:
    out = [f"## mlopsc plan: {_code(spec_name)} against {_code(plan.base)}", ""]
    if plan.base_errors:
        out += [f"> The spec at {_code(plan.base)} has {plan.base_errors} error(s); "
                + ("outputs are compared with what mlopsc emits from it regardless."
                   if plan.base_compiled else
                   "it could not be compiled, so every output counts as added."), ""]
    return out


def _governance_lines(plan: Plan, keep: int | None) -> list[str]:
    if plan.governance is None:
        return [f"Not compared: the spec at {_code(plan.base)} has no governance report."]
    if not plan.governance:
        return ["No governance changes."]
    return [md.bullets([_cut(m, keep)]) for m in plan.governance]


NO_SCHEMA_CHANGES = ("No schema or data-handling changes to data contracts, feature sets or "
                     "model input schemas.")


def _breaking_lines(plan: Plan, keep: int | None) -> list[str]:
    """One line per classified change: E580, breaking, governance-significant, compatible
    (labels from :meth:`FieldChange.label`)."""
    if not plan.breaking:
        return [NO_SCHEMA_CHANGES]
    out = []
    for change in plan.breaking:
        if change.unbumped:
            line = (f"**error E580** at {_code(change.version_path)}: "
                    f"{md.inline(_cut(change.e580_message(), keep))}")
        else:
            line = f"{change.label()}: {md.inline(_cut(change.message, keep))}"
        out.append(f"- {line}")
    return out


def _render_outputs(plan: Plan, *, full: bool, keep: int | None) -> list[Unit]:
    """The Outputs section as units: at most 25 diffs of 40 lines unless ``full``, each
    line cut to ``keep`` characters when given."""
    counts = f"{len(plan.added)} added, {len(plan.removed)} removed, {len(plan.changed)} changed"
    units: list[Unit] = [("", ["### Outputs", "", counts])]
    listed = [f"- added {_code(p)}" for p in plan.added]
    listed += [f"- removed {_code(p)}" for p in plan.removed]
    units += [("", [""])] if listed else []
    units += [("added or removed file names", [line]) for line in listed]
    files = plan.changed if full else plan.changed[:MAX_DIFFED_FILES]
    for path, lines in files:
        shown = [_cut(line, keep) for line in (lines if full else lines[:MAX_DIFF_LINES])]
        more = len(lines) - len(shown)
        fence = _fence(shown)
        units.append(("file diffs", [
            "", f"<details><summary>changed <code>{html.escape(path)}</code></summary>",
            "", f"{fence}diff", *shown, *([f"... {more} more lines"] if more else []),
            fence, "", "</details>"]))
    if len(plan.changed) > len(files):
        units.append(("", ["", f"... and {len(plan.changed) - len(files)} more changed files:"]))
        units += [("changed file names", [f"- {_code(p)}"]) for p, _ in plan.changed[len(files):]]
    return units


def _bounded(plan: Plan, spec_name: str, full_output: str | None, limit: int) -> str:
    """Governance, Breaking changes, then Outputs, each unit kept while it fits."""
    units: list[Unit] = [("", ["", "### Governance", ""])]
    units += [("governance lines", [line]) for line in _governance_lines(plan, MAX_LINE_CHARS)]
    units.append(("", ["", "### Breaking changes", ""]))
    units += [("breaking-change lines", [line])
              for line in _breaking_lines(plan, MAX_LINE_CHARS)]
    units.append(("", [""]))
    units += _render_outputs(plan, full=False, keep=MAX_LINE_CHARS)
    where = (f"The full plan is in {_code(full_output)}." if full_output else
             "Run `mlopsc plan --full-output FILE` to write the full plan to a file.")
    head = "\n".join(_header(plan, spec_name)) + "\n"
    budget = limit - len(head) - len(where) - 400  # the note's other words and counts
    kept: list[str] = []
    cut: dict[str, int] = {}
    size = 0
    for kind, lines in units:
        cost = sum(len(line) + 1 for line in lines)
        if kind and (cut or size + cost > budget):  # once one is cut, later ones go too
            cut[kind] = cut.get(kind, 0) + 1
            continue
        kept += lines
        size += cost
    dropped = ", ".join(f"{n} {kind}" for kind, n in cut.items())
    note = (f"> This plan is longer than {limit:,} characters, so it is shortened for a "
            f"pull-request comment: Governance and Breaking changes first, output diffs "
            f"last, lines over {MAX_LINE_CHARS} characters cut; left out: "
            f"{dropped or 'nothing'}. {where}")
    return head + note + "\n" + "\n".join(kept) + "\n"
