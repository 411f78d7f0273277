"""`mlopsc plan`: what a change does to the compiled outputs and the governance facts.

The spec at a git ref (with everything it includes) is extracted from the repository with
``git archive`` into a temporary directory, which is the base's spec root; members that
could lead outside it (absolute or outward symlinks, hard links, devices) or exceed the
file limit are left out, never followed. Both versions are compiled in memory and
compared: output files added, removed and changed (with short diffs), the governance report
diff, and breaking changes of data contracts and model input schemas.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlopsc.errors import MlopscError
from mlopsc.governance import markdown as md
from mlopsc.tools.breaking import FieldChange, compare, report_unbumped

if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.driver import Options

MAX_DIFF_LINES = 40
MAX_DIFFED_FILES = 25
REPORT = "governance/report.json"


@dataclass
class Plan:
    base: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    governance: list[str] | None = None
    """Sentences of the governance report diff; ``None`` when a side has no report."""
    breaking: list[FieldChange] = field(default_factory=list)
    base_errors: int = 0
    base_compiled: bool = True
    """False when the base has errors that stop lowering: it has no outputs at all."""

    @property
    def blocking(self) -> list[FieldChange]:
        return [c for c in self.breaking if c.unbumped]


def make_plan(options: Options, base: str) -> tuple[Plan | None, Result]:
    """Compile ``options.spec`` now and at git ref ``base``; ``(None, result)`` when the
    current spec has errors (the result's diagnostics say why).

    E580 findings (breaking changes without a major version bump) are added to the
    result's diagnostics, located in the current spec.
    """
    from mlopsc import api

    new = api.compile(options)
    if new.compilation.diagnostics.has_errors:
        return None, new
    with tempfile.TemporaryDirectory(prefix="mlopsc-plan-") as tmp:
        old_spec, old_root = _checkout(Path(options.spec), base, Path(tmp), options.root)
        old = api.compile(replace(options, spec=str(old_spec), root=str(old_root)))
        plan = Plan(base=base)
        if old.compilation.diagnostics.has_errors:
            plan.base_errors = old.compilation.diagnostics.count(api.Severity.ERROR)
            plan.base_compiled = old.ir is not None
        old_files, new_files = _base_files(old), _files(new)
        _outputs(plan, old_files, new_files)
        _governance(plan, old_files, new_files)
        if old.ir is not None and new.ir is not None:  # new.ir is: new has no errors
            plan.breaking = compare(old.ir, new.ir)
            report_unbumped(plan.breaking, new.compilation.diagnostics)
    return plan, new


def _checkout(spec: Path, ref: str, into: Path, root: str | None) -> tuple[Path, Path]:
    """Extract the repository tree at ``ref`` into ``into``; the spec's path there and the
    spec root there (``root`` mapped into the tree, else the tree's top).

    The whole tree is extracted, so files the spec includes come from the same commit.
    """
    folder = spec.resolve().parent
    done = _git(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise MlopscError(f"{folder} is not in a git repository; plan --base needs the "
                          "repository's history")
    top = Path(done.stdout.strip()).resolve()
    commit = _commit(top, ref)
    relative = spec.resolve().relative_to(top)
    archive = into / "base.tar"
    with archive.open("wb") as out:
        archived = subprocess.run(["git", "-C", str(top), "archive", "--format=tar", commit],
                                  stdout=out, stderr=subprocess.PIPE, check=False)
    if archived.returncode != 0:
        first = (archived.stderr.decode(errors="replace").strip().splitlines() or ["failed"])[0]
        raise MlopscError(f"git archive {ref}: {first}")
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter=_safe_member)
    old = tree / relative
    if not old.is_file():
        raise MlopscError(f"{relative.as_posix()} does not exist at {ref}")
    return old, _base_root(tree, top, root)


def _base_root(tree: Path, top: Path, root: str | None) -> Path:
    """``--root`` as it lies in the extracted tree (the tree itself when unset or outside)."""
    if root is None:
        return tree
    try:
        return tree / Path(root).resolve().relative_to(top)
    except ValueError:
        return tree


def _safe_member(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """Tar's ``data`` filter, but a member it refuses is left out instead of failing the
    plan: a repository may hold an absolute or outward symlink (never followed here)."""
    from mlopsc.reading.safe_read import MAX_BYTES

    if member.isfile() and member.size > MAX_BYTES:
        return None  # the loader would refuse it anyway; do not write it to disk
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def _commit(top: Path, ref: str) -> str:
    """The commit ``ref`` names; refs that look like options are refused, not passed on."""
    if not ref or ref.startswith("-"):
        raise MlopscError(f"--base {ref!r} is not a git ref")
    done = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise MlopscError(f"--base {ref}: no such commit, branch or tag in {top}")
    return done.stdout.strip()


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=False)


def _files(result: Result) -> dict[str, bytes]:
    return {a.path: a.content for a in result.artifacts if a.path != "manifest.json"}


def _base_files(result: Result) -> dict[str, bytes]:
    """The base's outputs; when its policy gate blocks, what it would emit all the same
    (a change that fixes a failing policy is compared with the outputs it fixes)."""
    c = result.compilation
    if c.ir is not None and c.diagnostics.has_errors and not c.artifacts:
        from mlopsc.passes.emit import emit

        emit(c)
    return {a.path: a.content for a in c.artifacts}


def _outputs(plan: Plan, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    plan.added = sorted(set(new) - set(old))
    plan.removed = sorted(set(old) - set(new))
    for path in sorted(set(old) & set(new)):
        if old[path] != new[path]:
            lines = list(difflib.unified_diff(
                old[path].decode(errors="replace").splitlines(),
                new[path].decode(errors="replace").splitlines(),
                f"a/{path}", f"b/{path}", lineterm="", n=1))
            plan.changed.append((path, lines))


def _governance(plan: Plan, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    from mlopsc.governance.diff import diff_reports

    before, after = (json.loads(files[REPORT]) if REPORT in files else None for files in (old, new))
    if before is not None and after is not None:
        plan.governance = diff_reports(before, after).messages()


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


def _breaking_lines(plan: Plan, keep: int | None) -> list[str]:
    if not plan.breaking:
        return ["No changes to data contracts, feature sets or model input schemas."]
    out = []
    for change in plan.breaking:
        if change.unbumped:
            line = (f"**error E580** at {_code(change.version_path)}: "
                    f"{md.inline(_cut(change.e580_message(), keep))}")
        else:
            line = ("breaking (major version bumped): " if change.breaking
                    else "compatible: ") + md.inline(_cut(change.message, keep))
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
