"""The command line: parses arguments and calls :mod:`mlopsc.api`.

Each command lives in its own module of this package with ``register(subparsers)`` and
``run(args) -> int``; :data:`COMMANDS` lists them. Exit codes: 0 pass, 1 findings block
the gate (or ``--check`` found stale outputs), 2 could not run.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from typing import NoReturn

from mlopsc import __version__

COMMANDS = ("validate", "compile", "targets", "schema", "explain", "lineage", "report",
            "plan", "policy")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2
        self.exit(2, f"mlopsc: error: {message} (see `{self.prog} --help`)\n")


class UsageError(Exception):
    """A problem with how mlopsc was called or with files it was pointed at (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlopsc", description="Check and compile mlops.yaml.")
    parser.add_argument("--version", action="version", version=f"mlopsc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"mlopsc.cli.cmd_{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from mlopsc.cli.common import run_command

    # A terminal or CI log that cannot show a character (an ASCII locale, a legacy Windows
    # code page) gets an escape instead of a UnicodeEncodeError; generated files go out as
    # UTF-8 bytes regardless (see the commands that print them).
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "operands", None) is not None and not any(
            e.startswith("-") for e in extra):
        # `report diff --format md OLD NEW`: argparse takes the operands of a nargs="*"
        # positional in one run, so those after an option come back here; they are operands.
        args.operands += extra
    elif extra:
        unknown = [e for e in extra if e.startswith("-")] or extra
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
