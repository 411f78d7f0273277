"""The command line (click): parses arguments and calls :mod:`mlopsc.api`.

Each command lives in its own module of this package, ``cmd_<name>``, as a click command
named ``command`` whose callback hands its parameters to ``run(args) -> int`` through
:func:`~mlopsc.cli.common.run_command`; :data:`COMMANDS` lists them. Options may come
anywhere on the line. Exit codes, for every command: 0 pass, 1 findings block the gate (or
``--check`` found stale outputs), 2 could not run (usage errors included), 130 interrupted,
141 broken pipe.

>>> main(["explain", "E306"])  # doctest: +ELLIPSIS
# E306: ...
0
"""

from __future__ import annotations

import functools
import importlib
import io
import os
import sys
from collections.abc import Sequence

import click

from mlopsc import __version__
from mlopsc.cli.base import Group
from mlopsc.cli.common import EXIT_ERROR, Args, broken_pipe, interrupted

COMMANDS = ("validate", "compile", "targets", "schema", "explain", "lineage", "report",
            "plan", "policy", "completion")

PROG = "mlopsc"
COMPLETE_VAR = "_MLOPSC_COMPLETE"
"""The variable click's shell completion scripts set when they ask mlopsc for words."""


@functools.cache
def cli() -> click.Group:
    """The ``mlopsc`` command group, with every command of :data:`COMMANDS`."""
    group = Group(PROG, help="Check and compile mlops.yaml.")
    click.version_option(__version__, "--version", prog_name=PROG,
                         message="%(prog)s %(version)s")(group)
    for name in COMMANDS:
        group.add_command(importlib.import_module(f"mlopsc.cli.cmd_{name}").command)
    return group


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mlopsc`` with ``argv`` (default: the process's arguments); the exit code."""
    # A terminal or CI log that cannot show a character (an ASCII locale, a legacy Windows
    # code page) gets an escape instead of a UnicodeEncodeError; generated files go out as
    # UTF-8 bytes regardless (see the commands that print them).
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    group = cli()
    if COMPLETE_VAR in os.environ:  # a completion script asks for the words at the cursor
        from click.shell_completion import shell_complete

        return shell_complete(group, {}, PROG, COMPLETE_VAR, os.environ[COMPLETE_VAR])
    try:
        with group.make_context(PROG, list(sys.argv[1:] if argv is None else argv)) as ctx:
            return int(group.invoke(ctx) or 0)
    except click.exceptions.Exit as done:  # --help, --version
        return done.exit_code
    except click.UsageError as error:
        return _usage_error(error)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):  # Ctrl-C while parsing
        return interrupted()
    except BrokenPipeError:  # `mlopsc --help | head -1`
        return broken_pipe()


def _usage_error(error: click.UsageError) -> int:
    """One line, as for every other error: what is wrong and where the help is; exit 2."""
    from mlopsc.printable import printable

    where = error.ctx.command_path if error.ctx is not None else PROG
    message = printable(error.format_message()).rstrip(".")
    print(f"mlopsc: error: {message} (see `{where} --help`)",
          file=sys.stderr)
    return EXIT_ERROR


def parse_args(argv: Sequence[str]) -> Args:
    """What a command line asks for, without running it: the :class:`Args` its command's
    ``run`` would get. A wrong line raises :class:`click.UsageError`.

    >>> parse_args(["validate", "--env", "prod", "mlops.yaml"]).environment
    'prod'
    """
    group = cli()
    ctx = group.make_context(PROG, [])
    command: click.Command = group
    words = list(argv)
    while isinstance(command, click.Group):
        if not words:
            raise click.UsageError("Missing command.", ctx)
        name, found, words = command.resolve_command(ctx, words)
        if found is None or name is None:
            raise click.UsageError("Missing command.", ctx)
        command = found
        ctx = command.make_context(name, [] if isinstance(found, click.Group) else words,
                                   parent=ctx)
    return Args(**ctx.params)


__all__ = ["COMMANDS", "cli", "main", "parse_args"]

if __name__ == "__main__":
    sys.exit(main())
