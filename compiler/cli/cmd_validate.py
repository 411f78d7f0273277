"""`mlopsc validate [SPEC]`: schema, references, policies and the targets' checks; the CI
gate. The targets run in memory and nothing is written, so validate and compile with the
same flags give the same findings and the same exit code."""

from __future__ import annotations

from typing import Any

import click

from mlopsc.cli.base import Command
from mlopsc.cli.common import (
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


@click.command(
    "validate", cls=Command, short_help="check a spec (schema, references, policies, targets)",
    help="Check a spec: schema, references, policies and what each selected target can "
         "express (nothing is written). Exit 0 pass, 1 blocked, 2 could not run.")
@spec_options
@target_options
@policy_options
@report_options()
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc import api

    return report(api.validate(options_from(args, **targets_from(args))), args)
