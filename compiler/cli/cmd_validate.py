"""`mlopsc validate [SPEC]`: schema, references, policies and the targets' checks; the CI
gate. The targets run in memory and nothing is written, so validate and compile with the
same flags give the same findings and the same exit code."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mlopsc.cli.common import (
    add_policy,
    add_report,
    add_spec,
    add_targets,
    options_from,
    report,
    targets_from,
)

if TYPE_CHECKING:
    from mlopsc.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "validate", help="check a spec (schema, references, policies, targets)",
        description="Check a spec: schema, references, policies and what each selected "
                    "target can express (nothing is written). Exit 0 pass, 1 blocked, "
                    "2 could not run.")
    add_spec(parser)
    add_targets(parser)
    add_policy(parser)
    add_report(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mlopsc import api

    return report(api.validate(options_from(args, **targets_from(args))), args)
