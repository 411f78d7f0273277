"""`mlopsc plan`: what a change does to the compiled outputs and the governance facts.

The spec at a git ref (with everything it includes) is extracted from the repository with
``git archive`` into a temporary directory, which is the base's spec root; members that
could lead outside it (absolute or outward symlinks, hard links, devices) or exceed the
file limit are left out, never followed. Both versions are compiled in memory and
compared: output files added, removed and changed (with short diffs), the governance report
diff, and breaking changes of data contracts, feature sets and model input schemas.
The Markdown comes from :mod:`mlopsc.tools.plan_render`.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlopsc.errors import MlopscError
from mlopsc.tools.breaking import FieldChange, compare, report_unbumped
from mlopsc.tools.plan_render import (
    MAX_COMMENT_CHARS,
    MAX_DIFF_LINES,
    MAX_DIFFED_FILES,
    MAX_LINE_CHARS,
    render_full,
    render_markdown,
)

if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.driver import Options

REPORT = "governance/report.json"
# The rendering (and its limits) lives in plan_render; these names stay importable here.
__all__ = ["MAX_COMMENT_CHARS", "MAX_DIFFED_FILES", "MAX_DIFF_LINES", "MAX_LINE_CHARS",
           "Plan", "make_plan", "render_full", "render_markdown"]


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
        # Breaking changes have their own section, classified from the IR (with E580).
        plan.governance = [c.message for c in diff_reports(before, after).changes
                           if c.section != "breaking"]
