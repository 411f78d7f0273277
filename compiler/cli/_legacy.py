"""A bridge for a command module still written for argparse (``register(sub)``):
wrapped as a click command that hands its words to argparse. Temporary."""

from __future__ import annotations

import argparse
import os
from types import ModuleType
from typing import Any, NoReturn

import click

from mlopsc.cli.common import run_command


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise click.UsageError(message)


def legacy_command(name: str, module: ModuleType) -> click.Command:
    parser = _Parser(prog="mlopsc")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    module.register(sub)
    short = sub.choices[name].description or ""
    for action in sub._choices_actions:
        short = action.help or short

    def callback(argv: tuple[str, ...]) -> int:
        args, extra = parser.parse_known_args([name, *argv])
        if extra and getattr(args, "operands", None) is not None and not any(
                e.startswith("-") for e in extra):
            args.operands += extra
        elif extra:
            raise click.UsageError(f"unrecognized arguments: {' '.join(extra)}")
        return run_command(args.handler, vars(args))

    return click.Command(name, callback=callback, short_help=short, add_help_option=False,
                         context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": False},
                         params=[click.Argument(["argv"], nargs=-1, type=click.UNPROCESSED)])


def add_limits(parser: argparse.ArgumentParser) -> None:
    from mlopsc.cli.common import max_bytes

    parser.add_argument("--max-bytes", type=max_bytes, metavar="N")
    parser.add_argument("--root", metavar="DIR")


def add_policy(parser: argparse.ArgumentParser) -> None:
    import datetime

    from mlopsc.policy.limits import memory_mib, timeout_seconds

    parser.add_argument("--policy", action="append", default=[], metavar="DIR")
    parser.add_argument("--data", action="append", default=[], metavar="FILE")
    parser.add_argument("--opa-url", default=os.environ.get("MLOPSC_OPA_URL"), metavar="URL")
    parser.add_argument("--today", type=datetime.date.fromisoformat)
    parser.add_argument("--policy-timeout", type=timeout_seconds, default=30.0)
    parser.add_argument("--policy-memory", type=memory_mib, default=2048)


__all__: list[Any] = ["add_limits", "add_policy", "legacy_command"]
