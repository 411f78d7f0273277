"""`mlopsc lineage [SPEC]`: the lineage graph in a chosen format; `--impact NODE` /
`--upstream NODE` list what depends on a node or what it came from.

Standard output (or ``--output-file``) holds only the graph or the node list; findings
that do not block go to standard error, in ``--format``; blocking ones are printed to
standard output instead of the graph.
"""

from __future__ import annotations

import contextlib
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
    report,
    report_options,
    run_command,
    spec_options,
    write_file,
)
from mlopsc.errors import MlopscError

if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.passes.build_lineage import LineageGraph

# The keys of mlopsc.lineage.output.FORMATS, listed here so that `--help` imports no networkx.
GRAPH_FORMATS = ("json", "dot", "mermaid", "graphml", "openlineage", "svg")


@click.command(
    "lineage", cls=Command, short_help="print the lineage graph or what depends on a node",
    help="Print the lineage graph (the bytes compile writes under lineage/), or list the "
         "nodes downstream or upstream of one node. Findings go to standard error, so "
         "standard output (or --output-file) holds only the graph.")
@spec_options
@click.option("--impact", metavar="NODE",
              help="list everything downstream of NODE (e.g. dataset:transactions)")
@click.option("--upstream", metavar="NODE", help="list everything NODE came from")
@click.option("--graph-format", type=click.Choice(GRAPH_FORMATS),
              help="how the graph is printed: node-link JSON (default), Graphviz DOT, "
                   "Mermaid, GraphML or OpenLineage static events (JSON lines)")
@click.option("--output-file", "graph_file", metavar="FILE", shell_complete=complete.files,
              help="write the graph (or the node list) to FILE instead of standard output")
@report_options(output_file=False)
def command(**params: Any) -> int:
    if params["impact"] is not None and params["upstream"] is not None:
        raise click.UsageError("--impact and --upstream exclude each other; give one")
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc.api import Result
    from mlopsc.diagnostics import Severity
    from mlopsc.driver import run as run_passes

    node = args.impact or args.upstream
    if node is not None and args.graph_format is not None:
        raise MlopscError("--graph-format prints the whole graph; leave it out with "
                          "--impact or --upstream, which print node ids")
    result = Result(run_passes(options_from(args), until="lineage"))
    graph = result.compilation.lineage
    if graph is None or result.blocked(Severity.parse(args.fail_on)):
        return report(result, args) or EXIT_BLOCKED  # the findings instead of the graph
    if result.diagnostics:  # warnings that do not block: beside the graph, not in it
        _report_aside(result, args)
    if node is not None and node not in graph:
        import difflib

        guess = difflib.get_close_matches(node, sorted(graph), n=1)
        raise MlopscError(f"no node {node!r} in the lineage graph"
                          + (f"; did you mean '{guess[0]}'?" if guess else ""))
    _emit(args, _graph(result, graph, args) if node is None else _nodes(graph, node, args))
    return EXIT_OK


def _report_aside(result: Result, args: Args) -> None:
    """Findings go to standard error, never where the graph goes."""
    with contextlib.redirect_stdout(sys.stderr):
        report(result, args)


def _nodes(graph: LineageGraph, node: str, args: Args) -> bytes:
    from mlopsc.passes.build_lineage import downstream, upstream

    found = (downstream if args.impact else upstream)(graph, node)
    return "".join(f"{item}\n" for item in found).encode()


def _graph(result: Result, graph: LineageGraph, args: Args) -> bytes:
    from mlopsc import __version__
    from mlopsc.lineage.output import render
    from mlopsc.target import EmitOptions

    spec_name = args.spec.replace("\\", "/").rsplit("/", 1)[-1]
    notice = EmitOptions(version=__version__, spec_name=spec_name).header()
    ir = result.compilation.ir
    assert ir is not None  # the lineage graph is made from an IR
    return render(args.graph_format or "json", graph, ir, notice)


def _emit(args: Args, content: bytes) -> None:
    if args.graph_file:  # never through a symlink a pull request planted (see write_file)
        write_file(args.graph_file, content)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()
