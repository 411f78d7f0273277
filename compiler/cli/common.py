"""Options shared by commands (click decorators), option building, reporting and the
exit-code contract.

A command module declares its options with these decorators, e.g.::

    @click.command("validate", cls=Command)
    @spec_options
    @report_options()
    def command(**params: Any) -> int:
        return run_command(run, params)

and :func:`run_command` calls ``run(args)`` with the parsed :class:`Args`.
"""

from __future__ import annotations

import datetime
import gc
import os
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mlopsc.cli import complete
from mlopsc.cli.base import Operand, parsed
from mlopsc.cli.files import write_file as write_file  # re-exported: commands import it here
from mlopsc.diagnostics import Severity

EXIT_OK, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141

# Findings about how mlopsc was called rather than about the spec: `--env prd` names no
# environment of the spec (E114), as `--target kubernets` names no target; both exit 2.
USAGE_CODES = frozenset({"E114"})

F = TypeVar("F", bound=Callable[..., Any])


class Args(SimpleNamespace):
    """The parsed command line of one command, by parameter name (``args.spec``,
    ``args.fail_on``): what a command's ``run(args)`` reads."""


def _stack(*decorators: Callable[[Any], Any]) -> Callable[[F], F]:
    """Apply ``decorators`` as if written one above the other, in this order (``--help``
    lists the options in the same order)."""
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function
    return apply


def max_bytes(text: str) -> int:
    """Parse ``--max-bytes``: a whole number from 1 to 1 GiB (:class:`ValueError` says why
    not)."""
    from mlopsc.reading.safe_read import clamp_max_bytes

    digits = text.strip()
    if not digits.lstrip("+-").isdigit() or not digits.isascii():
        raise ValueError(f"{text[:40]!r} is not a whole number of bytes")
    # More than 20 digits is out of range anyway; int() of it could even hit Python's limit.
    value = int(digits) if len(digits) <= 20 else -1
    return clamp_max_bytes(value)


limit_options = _stack(
    click.option("--max-bytes", callback=parsed(max_bytes), metavar="N",
                 help="largest spec accepted, all its files together, in bytes "
                      "(default 67108864, at most 1073741824)"),
    click.option("--root", metavar="DIR", shell_complete=complete.directories,
                 help="the spec root: includes and spec-given policy bundles must be regular "
                      "files under DIR (default: the git work tree holding the spec, else its "
                      "folder)"),
)
"""``--max-bytes`` and ``--root``: how much a spec may read, and from where."""

environment_option = click.option(
    "--env", "environment", metavar="NAME", shell_complete=complete.environments,
    help="apply environments.NAME.overrides")
"""``--env NAME``; its completion offers the environments of the spec on the line."""

spec_options = _stack(
    click.argument("spec", cls=Operand, required=False, default="mlops.yaml",
                   metavar="[SPEC]", shell_complete=complete.files,
                   help="the spec file (default: ./mlops.yaml)"),
    environment_option,
    limit_options,
)
"""The ``[SPEC]`` operand, ``--env`` and :data:`limit_options`."""


def policy_limit_options(function: F) -> F:
    """``--policy-timeout`` and ``--policy-memory``: the bounds of every policy evaluation."""
    from mlopsc.policy.limits import (
        DEFAULT_MEMORY_MIB,
        DEFAULT_TIMEOUT_S,
        memory_mib,
        timeout_seconds,
    )

    return _stack(
        click.option("--policy-timeout", metavar="SECONDS",
                     callback=parsed(timeout_seconds, DEFAULT_TIMEOUT_S),
                     help="wall-clock limit of the policy evaluation; past it the gate fails "
                          f"closed with E406 (default {DEFAULT_TIMEOUT_S:g})"),
        click.option("--policy-memory", metavar="MIB",
                     callback=parsed(memory_mib, DEFAULT_MEMORY_MIB),
                     help="memory the policy evaluation may use, in MiB; past it the gate "
                          f"fails closed with E406 (default {DEFAULT_MEMORY_MIB})"),
    )(function)


policy_options = _stack(
    click.option("--policy", multiple=True, metavar="DIR", shell_complete=complete.directories,
                 help="an extra Rego bundle directory (repeatable)"),
    click.option("--data", multiple=True, metavar="FILE", shell_complete=complete.files,
                 help="organisation data for policies, JSON or YAML (repeatable)"),
    click.option("--opa-url", envvar="MLOPSC_OPA_URL", metavar="URL",
                 help="evaluate policies on this OPA server (env MLOPSC_OPA_URL)"),
    click.option("--today", callback=parsed(datetime.date.fromisoformat), metavar="YYYY-MM-DD",
                 help="judge waiver expiry as of this date (default: SOURCE_DATE_EPOCH or "
                      "today)"),
    policy_limit_options,
)
"""Extra bundles, organisation data, the OPA server, the day and the policy limits."""

target_options = _stack(
    click.option("--target", multiple=True, metavar="NAME", shell_complete=complete.targets,
                 help="only this target (repeatable; see `mlopsc targets`)"),
    click.option("--set", multiple=True, metavar="TARGET.KEY=VALUE",
                 help="a target setting, e.g. kubernetes.flavour=kserve"),
)
"""``--target`` and ``--set``: which targets run (their checks, or their outputs too)."""


def targets_from(args: Args) -> dict[str, Any]:
    """The ``targets`` and ``settings`` of :class:`~mlopsc.driver.Options` from
    :data:`target_options`; an unknown target name fails before any work (exit 2)."""
    from mlopsc.errors import MlopscError
    from mlopsc.registry import load

    targets = tuple(args.target) if args.target else None
    for name in targets or ():
        load(name)  # a did-you-mean for a misspelt name, before the spec is read
    settings = {}
    for pair in args.set:
        key, sep, value = pair.partition("=")
        if not sep or "." not in key:
            raise MlopscError(f"--set {pair!r}: expected TARGET.KEY=VALUE")
        settings[key] = value
    return {"targets": targets, "settings": settings}


def report_options(*, output_file: bool = True) -> Callable[[F], F]:
    """``--format`` and ``--fail-on`` for findings, and (unless the command writes something
    else there, as ``lineage`` does) ``--output-file`` for them."""
    from mlopsc.formatters import FORMATS

    options = [
        click.option("--format", type=click.Choice(FORMATS), default="text",
                     help="how findings are printed"),
        click.option("--fail-on", type=click.Choice(("error", "warning")), default="error",
                     help="the least severity that blocks (exit 1)"),
    ]
    if output_file:
        options.append(click.option("--output-file", metavar="FILE",
                                    shell_complete=complete.files,
                                    help="write findings to FILE instead of standard output"))
    return _stack(*options)


if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.driver import Options


def options_from(args: Args, **extra: Any) -> Options:
    from mlopsc.driver import Options

    return Options(
        spec=args.spec,
        environment=args.environment,
        policy_dirs=tuple(getattr(args, "policy", ()) or ()),
        data_files=tuple(getattr(args, "data", ()) or ()),
        opa_url=getattr(args, "opa_url", None),
        policy_timeout=getattr(args, "policy_timeout", 30.0),
        policy_memory=getattr(args, "policy_memory", 2048),
        max_bytes=args.max_bytes,
        root=getattr(args, "root", None),
        today=getattr(args, "today", None),
        **extra,
    )


def report(result: Result, args: Args) -> int:
    """Print the findings in the chosen format; return 1 when they block, else 0."""
    from mlopsc import __version__
    from mlopsc.formatters import render

    findings_file = getattr(args, "output_file", None)  # lineage writes its graph there
    text = render(args.format, result.diagnostics, index=result.index,
                  tool_version=__version__, rule_docs=_rule_docs(result),
                  color=args.format == "text" and findings_file is None
                  and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
                  fail_on=args.fail_on)
    if findings_file:
        write_file(findings_file, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    if any(d.code in USAGE_CODES for d in result.diagnostics):
        return EXIT_ERROR
    return EXIT_BLOCKED if result.blocked(Severity.parse(args.fail_on)) else EXIT_OK


def _rule_docs(result: Result) -> dict[str, tuple[str, str]] | None:
    policy = result.compilation.policy
    return getattr(policy, "rule_docs", None)


def run_command(run: Callable[[Args], int], params: dict[str, Any]) -> int:
    """Call a command's ``run`` with its parsed ``params``, turning every known failure into
    one line and its exit code: 2 could not run, 130 interrupted, 141 broken pipe."""
    from mlopsc.errors import EXPECTED_ERRORS
    from mlopsc.printable import printable

    # One command is one short batch: what it allocates lives until it ends, so the cyclic
    # collector would only rescan a large heap again and again (a quarter of `mlopsc report`
    # on 1,000 models). The driver does the same for its passes; this covers the outputs.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return run(Args(**params))
    except EXPECTED_ERRORS() as error:
        # Messages may quote names a spec or a repository chose: no control character,
        # ESC or bidi control reaches the log raw (line breaks between listed items stay).
        print(f"mlopsc: error: {printable(str(error), keep=chr(10))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:
        return broken_pipe()
    finally:
        if was_enabled:
            gc.enable()


def interrupted() -> int:
    """Ctrl-C: one line, exit 130."""
    print("mlopsc: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def broken_pipe() -> int:
    """The reader went away (`mlopsc schema | head`): nothing is wrong with the output.

    Point stdout at /dev/null so the interpreter's last flush cannot fail again, and exit
    as a process killed by SIGPIPE would (141)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE
