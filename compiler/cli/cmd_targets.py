"""`mlopsc targets`: list the compile targets (built-in and plugins) from their declarations,
one per line, tab-separated: name, where it comes from (``builtin`` or the plugin's entry
point), the orchestrators it claims, its diagnostic codes and what it writes. Nothing is
imported but the declarations."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("targets", help="list compile targets")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
