"""Flags shared by commands, option building, reporting and the exit-code contract."""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from mlopsc.diagnostics import Severity

EXIT_OK, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2

# Findings about how mlopsc was called rather than about the spec: `--env prd` names no
# environment of the spec (E114), as `--target kubernets` names no target; both exit 2.
USAGE_CODES = frozenset({"E114"})


def add_spec(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", nargs="?", default="mlops.yaml",
                        help="the spec file (default: ./mlops.yaml)")
    parser.add_argument("--env", dest="environment", metavar="NAME",
                        help="apply environments.NAME.overrides")
    add_limits(parser)


def add_limits(parser: argparse.ArgumentParser) -> None:
    """``--max-bytes`` and ``--root``: how much a spec may read, and from where."""
    parser.add_argument("--max-bytes", type=max_bytes, metavar="N",
                        help="largest spec accepted, all its files together, in bytes "
                             "(default 67108864, at most 1073741824)")
    parser.add_argument("--root", metavar="DIR",
                        help="the spec root: includes and spec-given policy bundles must be "
                             "regular files under DIR (default: the git work tree holding "
                             "the spec, else its folder)")


def max_bytes(text: str) -> int:
    """Parse ``--max-bytes``: a whole number from 1 to 1 GiB (argparse says why not)."""
    from mlopsc.reading.safe_read import clamp_max_bytes

    digits = text.strip()
    if not digits.lstrip("+-").isdigit() or not digits.isascii():
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number of bytes")
    # More than 20 digits is out of range anyway; int() of it could even hit Python's limit.
    value = int(digits) if len(digits) <= 20 else -1
    try:
        return clamp_max_bytes(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_policy(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", action="append", default=[], metavar="DIR",
                        help="an extra Rego bundle directory (repeatable)")
    parser.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="organisation data for policies, JSON or YAML (repeatable)")
    parser.add_argument("--opa-url", default=os.environ.get("MLOPSC_OPA_URL"), metavar="URL",
                        help="evaluate policies on this OPA server (env MLOPSC_OPA_URL)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="judge waiver expiry as of this date (default: SOURCE_DATE_EPOCH "
                             "or today)")
    from mlopsc.policy.limits import limit_flags

    limit_flags(parser)  # --policy-timeout, --policy-memory


def add_targets(parser: argparse.ArgumentParser) -> None:
    """``--target`` and ``--set``: which targets run (their checks, or their outputs too)."""
    parser.add_argument("--target", action="append", metavar="NAME",
                        help="only this target (repeatable; see `mlopsc targets`)")
    parser.add_argument("--set", action="append", default=[], metavar="TARGET.KEY=VALUE",
                        help="a target setting, e.g. kubernetes.flavour=kserve")


def targets_from(args: argparse.Namespace) -> dict[str, Any]:
    """The ``targets`` and ``settings`` of :class:`~mlopsc.driver.Options` from
    :func:`add_targets`' flags; an unknown target name fails before any work (exit 2)."""
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


def add_report(parser: argparse.ArgumentParser, *, output_file: bool = True) -> None:
    """``--format`` and ``--fail-on`` for findings, and (unless the command writes something
    else there, as ``lineage`` does) ``--output-file`` for them."""
    from mlopsc.formatters import FORMATS

    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="how findings are printed")
    parser.add_argument("--fail-on", choices=("error", "warning"), default="error",
                        help="the least severity that blocks (exit 1)")
    if output_file:
        parser.add_argument("--output-file", metavar="FILE",
                            help="write findings to FILE instead of standard output")


if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.driver import Options

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What a command's ``register(sub)`` receives: ``sub.add_parser(...)`` adds the command."""


def options_from(args: argparse.Namespace, **extra: Any) -> Options:
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


def report(result: Result, args: argparse.Namespace) -> int:
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


def write_file(name: str, content: bytes) -> None:
    """Write ``content`` to the file ``name`` given on the command line, never through a link.

    The CI owner chooses the folders of ``name``; its last component may be something a
    pull request committed (``findings.txt`` as a symlink to a file outside the
    repository). So an existing ``name`` that is a symlink or not a regular file is refused
    (:class:`~mlopsc.errors.MlopscError`, exit 2), and the bytes go to a new file beside it
    that is then renamed onto ``name``: a rename replaces a symlink planted after the check,
    it never writes through it. An existing file keeps its permission bits.
    """
    from mlopsc.errors import MlopscError

    mode = _existing_mode(name)
    folder = os.path.dirname(name) or "."
    try:
        temp, handle = _temp_beside(folder, os.path.basename(name))
    except OSError as error:
        raise MlopscError(f"cannot write {name}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, name)
    except OSError as error:
        _remove(temp)
        raise MlopscError(f"cannot write {name}: {error.strerror or error}") from None
    except BaseException:
        _remove(temp)
        raise


def _existing_mode(name: str) -> int | None:
    """The permission bits of the regular file ``name``; ``None`` when there is none yet."""
    import stat

    from mlopsc.errors import MlopscError

    try:
        found = os.lstat(name)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise MlopscError(f"cannot write {name}: {error.strerror or error}") from None
    if stat.S_ISLNK(found.st_mode):
        raise MlopscError(f"refusing to write {name}: it is a symbolic link, which mlopsc "
                          "never writes through; delete it or name another file")
    if not stat.S_ISREG(found.st_mode):
        kind = "a directory" if stat.S_ISDIR(found.st_mode) else "not a regular file"
        raise MlopscError(f"refusing to write {name}: it is {kind}")
    return stat.S_IMODE(found.st_mode)


def _temp_beside(folder: str, base: str) -> tuple[str, int]:
    """A new, empty file ``.BASE.<16 hex>.mlopsc-tmp`` in ``folder``, opened for writing."""
    import secrets

    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    for attempt in range(100):
        temp = os.path.join(folder, f".{base}.{secrets.token_hex(8)}.mlopsc-tmp")
        try:  # 0o666: the umask decides, as for any file the user creates
            return temp, os.open(temp, flags, 0o666)
        except FileExistsError:
            if attempt == 99:
                raise
    raise AssertionError("unreachable")


def _remove(path: str) -> None:
    import contextlib

    with contextlib.suppress(OSError):
        os.unlink(path)


def _rule_docs(result: Result) -> dict[str, tuple[str, str]] | None:
    policy = result.compilation.policy
    return getattr(policy, "rule_docs", None)


def run_command(args: argparse.Namespace) -> int:
    """Call the command, turning every known failure into one line and exit 2."""
    from mlopsc.errors import EXPECTED_ERRORS
    from mlopsc.printable import printable

    handler: Callable[[argparse.Namespace], int] = args.handler
    # One command is one short batch: what it allocates lives until it ends, so the cyclic
    # collector would only rescan a large heap again and again (a quarter of `mlopsc report`
    # on 1,000 models). The driver does the same for its passes; this covers the outputs.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return handler(args)
    except EXPECTED_ERRORS() as error:
        # Messages may quote names a spec or a repository chose: no control character,
        # ESC or bidi control reaches the log raw (line breaks between listed items stay).
        print(f"mlopsc: error: {printable(str(error), keep=chr(10))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mlopsc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`mlopsc schema | head`): nothing is wrong with the output.
        # Point stdout at /dev/null so the interpreter's last flush cannot fail again, and
        # exit as a process killed by SIGPIPE would.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        if was_enabled:
            gc.enable()
