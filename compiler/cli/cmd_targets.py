"""`mlopsc targets`: list the compile targets (built-in and plugins) from their declarations,
one per line, tab-separated: name, where it comes from (``builtin`` or the plugin's entry
point), the orchestrators it claims, its diagnostic codes and what it writes. Nothing is
imported but the declarations."""

from __future__ import annotations

from typing import Any

import click

from mlopsc.cli.base import Command
from mlopsc.cli.common import Args, run_command


@click.command("targets", cls=Command, short_help="list compile targets",
               help="List the compile targets, built-in and plugins, one per line: name, "
                    "origin, orchestrators, diagnostic codes and what it writes.")
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc import registry

    declared = registry.declarations()
    broken = registry.broken_plugins()
    for name, origin in registry.available().items():
        if name in broken:
            print(f"{name}\t{origin}\tnot loaded: {broken[name]}")
            continue
        target = declared[name]
        orchestrators = ",".join(target.orchestrators) or "-"
        codes = ",".join(row.code for row in target.codes) or "-"
        print(f"{name}\t{origin}\t{orchestrators}\t{codes}\t{target.description}")
    return 0
