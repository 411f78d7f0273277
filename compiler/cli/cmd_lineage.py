"""`mlopsc lineage [SPEC]`: the lineage graph; `--impact NODE` / `--upstream NODE`."""

from __future__ import annotations

import json

from mlopsc.cli.common import EXIT_OK, add_report, add_spec, options_from, report
from mlopsc.errors import MlopscError


def register(sub) -> None:
    parser = sub.add_parser("lineage", help="print the lineage graph or what depends on a node")
    add_spec(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--impact", metavar="NODE",
                       help="list everything downstream of NODE (e.g. dataset:transactions)")
    group.add_argument("--upstream", metavar="NODE", help="list everything NODE came from")
    add_report(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from mlopsc.driver import run as run_passes
    from mlopsc.api import Result
    from mlopsc.build_lineage import downstream, upstream
    from mlopsc.lineage_output import node_link

    result = Result(run_passes(options_from(args), until="lineage"))
    if result.compilation.lineage is None or result.blocked():
        return report(result, args) or 1
    graph = result.compilation.lineage
    node = args.impact or args.upstream
    if node is None:
        print(json.dumps(node_link(graph), indent=2))
        return EXIT_OK
    if node not in graph:
        import difflib

        guess = difflib.get_close_matches(node, sorted(graph), n=1)
        raise MlopscError(f"no node {node!r} in the lineage graph"
                          + (f"; did you mean '{guess[0]}'?" if guess else ""))
    for item in (downstream if args.impact else upstream)(graph, node):
        print(item)
    return EXIT_OK
