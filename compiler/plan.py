"""`mlopsc plan`: what a change does to the compiled outputs and the governance facts.

The spec at a git ref (with everything it includes) is extracted from the repository with
``git archive`` into a temporary directory; both versions are compiled in memory and
compared: output files added, removed and changed (with short diffs), the governance report
diff, and breaking changes of data contracts and model input schemas.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from mlopsc.breaking import FieldChange, compare
from mlopsc.errors import MlopscError

MAX_DIFF_LINES = 40
MAX_DIFFED_FILES = 25


@dataclass
class Plan:
    base: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    governance: list[str] = field(default_factory=list)
    breaking: list[FieldChange] = field(default_factory=list)
    base_errors: int = 0

    @property
    def blocking(self) -> list[FieldChange]:
        return [c for c in self.breaking if c.unbumped]


def make_plan(options, base: str) -> tuple[Plan | None, object]:
    """Compile ``options.spec`` now and at git ref ``base``; ``(None, result)`` when the
    current spec has errors (the result's diagnostics say why)."""
    from mlopsc import api

    new = api.compile(options)
    if new.compilation.diagnostics.has_errors:
        return None, new
    with tempfile.TemporaryDirectory(prefix="mlopsc-plan-") as tmp:
        old_spec = _checkout(Path(options.spec), base, Path(tmp))
        old = api.compile(replace(options, spec=str(old_spec)))
        plan = Plan(base=base)
        if old.compilation.diagnostics.has_errors:
            plan.base_errors = old.compilation.diagnostics.count(api.Severity.ERROR)
        _outputs(plan, _files(old), _files(new))
        _governance(plan, old, new)
        if old.ir is not None:
            plan.breaking = compare(old.ir, new.ir)
    return plan, new


def _checkout(spec: Path, ref: str, into: Path) -> Path:
    """Extract the repository tree at ``ref`` into ``into``; the spec's path there."""
    folder = spec.resolve().parent
    top = _git(folder, "rev-parse", "--show-toplevel").strip()
    relative = spec.resolve().relative_to(Path(top).resolve())
    archive = into / "base.tar"
    with archive.open("wb") as out:
        done = subprocess.run(["git", "-C", top, "archive", "--format=tar", ref], stdout=out,
                              stderr=subprocess.PIPE, text=False, check=False)
    if done.returncode != 0:
        raise MlopscError(f"git archive {ref}: {done.stderr.decode(errors='replace').strip()}")
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    old = tree / relative
    if not old.is_file():
        raise MlopscError(f"{relative.as_posix()} does not exist at {ref}")
    return old


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise MlopscError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def _files(result) -> dict[str, bytes]:
    return {a.path: a.content for a in result.artifacts if a.path != "manifest.json"}


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


def _governance(plan: Plan, old, new) -> None:
    from mlopsc.governance.diff import diff_reports

    reports = []
    for result in (old, new):
        data = _files(result).get("governance/report.json")
        reports.append(json.loads(data) if data else None)
    if None not in reports:
        plan.governance = diff_reports(reports[0], reports[1]).messages()


def _fence(lines: list[str]) -> str:
    """A code fence longer than any backtick run in ``lines``, so content cannot close it."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(plan: Plan, spec_name: str) -> str:
    """A pull-request comment."""
    out = [f"## mlopsc plan: `{spec_name}` against `{plan.base}`", ""]
    if plan.base_errors:
        out += [f"> The spec at `{plan.base}` has {plan.base_errors} error(s); outputs are "
                "compared with what could be compiled there.", ""]
    counts = f"{len(plan.added)} added, {len(plan.removed)} removed, {len(plan.changed)} changed"
    out += ["### Outputs", "", counts, ""]
    out += [f"- added `{p}`" for p in plan.added] + [f"- removed `{p}`" for p in plan.removed]
    for path, lines in plan.changed[:MAX_DIFFED_FILES]:
        shown = lines[:MAX_DIFF_LINES]
        more = len(lines) - len(shown)
        fence = _fence(shown)
        out += ["", f"<details><summary>changed <code>{path}</code></summary>", "",
                f"{fence}diff", *shown, *([f"... {more} more lines"] if more else []), fence,
                "", "</details>"]
    if len(plan.changed) > MAX_DIFFED_FILES:
        out += ["", f"... and {len(plan.changed) - MAX_DIFFED_FILES} more changed files:",
                *[f"- `{p}`" for p, _ in plan.changed[MAX_DIFFED_FILES:]]]
    out += ["", "### Governance", ""]
    out += [f"- {m}" for m in plan.governance] or ["No governance changes."]
    out += ["", "### Breaking changes", ""]
    if not plan.breaking:
        out.append("No changes to data contracts or model input schemas.")
    for change in plan.breaking:
        tag = ("**error E580** (no major version bump): " if change.unbumped
               else "breaking: " if change.breaking else "compatible: ")
        out.append(f"- {tag}{change.message}")
    return "\n".join(out) + "\n"
