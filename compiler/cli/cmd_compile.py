"""`mlopsc compile [SPEC] -o DIR`: validate, then write every target atomically."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from mlopsc.cli import complete
from mlopsc.cli.base import Command
from mlopsc.cli.common import (
    EXIT_BLOCKED,
    EXIT_OK,
    Args,
    options_from,
    policy_options,
    report,
    report_options,
    run_command,
    spec_options,
    target_options,
    targets_from,
)

if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.output.write import Written


@click.command("compile", cls=Command, short_help="validate, then write the compiled outputs",
               help="Validate, then write every selected target to DIR.")
@spec_options
@click.option("-o", "--out", required=True, metavar="DIR", shell_complete=complete.directories,
              help="output directory")
@target_options
@click.option("--check", is_flag=True,
              help="write nothing; exit 1 when DIR differs from a fresh compile")
@click.option("--prune", is_flag=True,
              help="delete files in DIR that mlopsc did not write (otherwise they stop the "
                   "compile); directories are never deleted")
@policy_options
@report_options()
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc import api

    options = options_from(args, **targets_from(args))
    result = api.compile(options)
    status = report(result, args)
    if status != EXIT_OK:
        return status
    if args.check:
        return _check(result, args.out)
    written = api.write(result, args.out, prune=args.prune)
    _notes(args.out, written)
    print(f"wrote {written.files} files to {args.out}", file=sys.stderr)
    return EXIT_OK


def _check(result: Result, out: str) -> int:
    from mlopsc import api

    diff = api.check(result, out)
    for label, paths in (("stale", diff.changed), ("missing", diff.added),
                         ("unexpected", diff.removed)):
        for path in paths:
            print(f"{out.rstrip('/')}/{path}: {label}", file=sys.stderr)
    if diff.clean:
        return EXIT_OK
    prune = " --prune" if diff.removed else ""
    print(f"mlopsc: {out} is out of date; run `mlopsc compile -o {out}{prune}`",
          file=sys.stderr)
    return EXIT_BLOCKED


def _notes(out: str, written: Written) -> None:
    """Say what a write changed besides the tree itself: nothing is lost silently."""
    base = out.rstrip("/")
    for path in written.overwritten:
        print(f"{base}/{path}: edited by hand since the last compile; regenerated",
              file=sys.stderr)
    for path in written.pruned:
        print(f"{base}/{path}: not written by mlopsc; deleted (--prune)", file=sys.stderr)
    for kept, why in zip(written.kept, written.kept_why, strict=True):
        print(f"{kept}: not provably mlopsc's ({why}); left in place (delete it yourself)",
              file=sys.stderr)
