"""`mlopsc validate [SPEC]`: schema, references and policies; the CI gate."""

from __future__ import annotations

from mlopsc.cli.common import add_policy, add_report, add_spec, options_from, report


def register(sub) -> None:
    parser = sub.add_parser("validate", help="check a spec (schema, references, policies)",
                            description="Check a spec. Exit 0 pass, 1 blocked, 2 could not run.")
    add_spec(parser)
    add_policy(parser)
    add_report(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from mlopsc import api

    return report(api.validate(options_from(args)), args)
