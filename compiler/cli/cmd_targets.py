"""`mlopsc targets`: list the compile targets (built-in and plugins)."""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser("targets", help="list compile targets")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from mlopsc import registry

    for name, origin in registry.available().items():
        print(f"{name}\t{origin}")
    return 0
