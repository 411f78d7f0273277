"""`mlopsc policy test [DIR]`: run a Rego bundle's unit tests and report line coverage.

Exit 0 when every test passes and coverage reaches ``--threshold``; 1 when a test fails, a
file does not parse or coverage is below the threshold; 2 when DIR cannot be read.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from mlopsc.cli import complete
from mlopsc.cli.base import Command, Group, Operand
from mlopsc.cli.common import EXIT_BLOCKED, EXIT_OK, Args, policy_limit_options, run_command

if TYPE_CHECKING:
    from mlopsc.policy.testing import TestReport


@click.group("policy", cls=Group, short_help="work with Rego policy bundles (`policy test`)",
             help="Work with Rego policy bundles.")
def command() -> None:
    """The actions are its subcommands."""


@command.command(
    "test", cls=Command, short_help="run every test_ rule of a bundle, with coverage",
    help="Run every `test_` rule of the bundle in DIR (default: mlopsc's own bundle) and "
         "report line coverage of its policy files.")
@click.argument("directory", cls=Operand, required=False, metavar="[DIR]",
                shell_complete=complete.directories,
                help="the bundle directory (default: the bundle shipped with mlopsc)")
@click.option("--threshold", type=float, default=0.0, metavar="N",
              help="fail when line coverage is below N percent")
@click.option("--format", type=click.Choice(("text", "json")), default="text",
              help="how the results are printed")
@click.option("-v", "--verbose", is_flag=True,
              help="also list passing tests and the coverage of every file")
@policy_limit_options  # --policy-timeout, --policy-memory: tests are Rego code too
def test(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc.policy.limits import limits_of
    from mlopsc.policy.testing import run_tests

    report = run_tests(args.directory, limits_of(args))
    below = report.coverage < args.threshold
    text = _json(report, args.threshold) if args.format == "json" else _text(report, args, below)
    sys.stdout.write(text)
    return EXIT_OK if report.ok and not below else EXIT_BLOCKED


def _text(report: TestReport, args: Args, below: bool) -> str:
    lines = [f"ERROR {error}" for error in report.errors]
    for case in report.cases:
        if not case.passed:
            lines.append(f"FAIL  {case.file}:{case.line}  {case.name}  ({case.detail})")
        elif args.verbose:
            lines.append(f"PASS  {case.file}:{case.line}  {case.name}")
    hit = sum(c for c, _ in report.covered.values())
    total = sum(t for _, t in report.covered.values())
    lines.append(f"coverage: {report.coverage:.1f}% ({hit}/{total} lines)"
                 + (f", below the threshold of {args.threshold:g}%" if below else ""))
    for name, (c, t) in sorted(report.covered.items()):
        if args.verbose or c < t:
            lines.append(f"  {name}: {c}/{t} lines")
    passed = len(report.cases) - len(report.failed)
    lines.append(f"{passed} passed, {len(report.failed)} failed"
                 + ("" if report.cases else " (no test_ rules found)"))
    return "\n".join(lines) + "\n"


def _json(report: TestReport, threshold: float) -> str:
    data = {
        "errors": report.errors,
        "tests": [{"name": c.name, "file": c.file, "line": c.line, "passed": c.passed,
                   "detail": c.detail} for c in report.cases],
        "coverage": {"percent": round(report.coverage, 2), "threshold": threshold,
                     "files": {name: {"covered": c, "lines": t}
                               for name, (c, t) in sorted(report.covered.items())}},
        "passed": report.ok and report.coverage >= threshold,
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
