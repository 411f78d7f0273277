"""`mlopsc plan [SPEC] --base REF`: a pull-request summary of what the change does."""

from __future__ import annotations

import sys
from typing import Any

import click

from mlopsc.cli import complete
from mlopsc.cli.base import Command
from mlopsc.cli.common import (
    EXIT_BLOCKED,
    EXIT_OK,
    Args,
    options_from,
    policy_options,
    run_command,
    spec_options,
    write_file,
)


@click.command("plan", cls=Command,
               short_help="what a change does to outputs and governance facts",
               help="Compile SPEC now and at git ref REF and print a Markdown summary of the "
                    "differences.")
@spec_options
@click.option("--base", required=True, metavar="REF",
              help="git ref to compare with, e.g. origin/main or HEAD~1")
@click.option("--fail-on-breaking", is_flag=True,
              help="exit 1 when a breaking change lacks a major version bump (E580; without "
                   "it plan reports E580 and exits 0)")
@click.option("--full-output", metavar="FILE", shell_complete=complete.files,
              help="also write the whole plan (every diff, no line cut) to FILE; the printed "
                   "plan stays under 60,000 characters and names FILE")
@policy_options
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc import __version__
    from mlopsc.formatters import render
    from mlopsc.tools.plan import make_plan, render_full, render_markdown

    plan, result = make_plan(options_from(args), args.base)
    if plan is None:
        sys.stderr.write(render("text", result.diagnostics, index=result.index,
                                tool_version=__version__))
        return EXIT_BLOCKED
    if args.full_output:  # never through a symlink: see write_file
        write_file(args.full_output, render_full(plan, args.spec).encode("utf-8"))
    sys.stdout.write(render_markdown(plan, args.spec, args.full_output))
    unbumped = [d for d in result.diagnostics if d.code == "E580"]
    if unbumped:  # the summary is for the pull request; the located findings for the log
        sys.stderr.write(render("text", unbumped, index=result.index, tool_version=__version__))
    if args.fail_on_breaking and plan.blocking:
        return EXIT_BLOCKED
    return EXIT_OK
