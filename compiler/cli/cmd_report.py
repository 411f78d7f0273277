"""`mlopsc report [SPEC]`: the governance report; `mlopsc report diff OLD NEW`: what changed.

OLD and NEW are each a ``report.json`` or a spec (compiled up to the policy gate).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mlopsc.cli.common import (
    EXIT_BLOCKED,
    EXIT_OK,
    add_limits,
    add_policy,
    options_from,
    write_file,
)
from mlopsc.errors import MlopscError

if TYPE_CHECKING:
    from mlopsc.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "report", help="governance report of a spec, or `report diff OLD NEW`",
        usage="mlopsc report [SPEC] [options]\n       mlopsc report diff OLD NEW [options]",
        description="Print the governance report of SPEC (default ./mlops.yaml), or with "
                    "`diff OLD NEW` say what changed between two reports or two specs.")
    parser.add_argument("operands", nargs="*", metavar="SPEC | diff OLD NEW",
                        help="a spec, or the word diff and two report.json files or specs")
    parser.add_argument("--format", choices=("text", "json", "md", "html"),
                        help="report: md (default; text is the same Markdown, which reads "
                             "as plain text), json or html (one self-contained page); "
                             "diff: text (default), json or md")
    parser.add_argument("--base", metavar="OLD",
                        help="html report: also show what changed since OLD (a report.json "
                             "or a spec)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    parser.add_argument("--env", dest="environment", metavar="NAME",
                        help="apply environments.NAME.overrides")
    add_limits(parser)
    add_policy(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    operands = list(args.operands)
    if operands[:1] == ["diff"]:
        if len(operands) != 3:
            raise MlopscError("usage: mlopsc report diff OLD NEW (two report.json files or specs)")
        return _diff(args, operands[1], operands[2])
    if len(operands) > 1:
        raise MlopscError(f"report takes one spec, got {len(operands)}; "
                          "did you mean `mlopsc report diff OLD NEW`?")
    args.spec = operands[0] if operands else "mlops.yaml"
    return _report(args)


def _report(args: argparse.Namespace) -> int:
    from mlopsc import __version__
    from mlopsc.formatters import render
    from mlopsc.governance.inputs import report_for
    from mlopsc.governance.output import dump_json
    from mlopsc.governance.report_md import render_markdown
    from mlopsc.target import generated_notice

    fmt = "md" if args.format in (None, "text") else args.format
    result, report = report_for(options_from(args))
    if report is None:  # the spec could not be lowered: show why, as validate would
        sys.stderr.write(render("text", result.diagnostics, index=result.index,
                                tool_version=__version__))
        return EXIT_BLOCKED
    if args.base and fmt != "html":
        raise MlopscError("--base is for --format html; use `mlopsc report diff OLD NEW`")
    spec_name = args.spec.replace("\\", "/").rsplit("/", 1)[-1]
    notice = generated_notice(__version__, spec_name)
    if fmt == "json":
        content = dump_json(report)
    elif fmt == "html":
        from mlopsc.governance.html import html_report

        content = html_report(result, report, notice, base=args.base,
                              options=options_from(args)).encode()
    else:
        content = render_markdown(report, notice).encode()
    _emit(args, content)
    return EXIT_OK


def _diff(args: argparse.Namespace, old: str, new: str) -> int:
    from mlopsc.governance.diff import diff_reports
    from mlopsc.governance.inputs import load_report

    args.spec = old
    options = options_from(args)
    changes = diff_reports(load_report(old, options), load_report(new, options))
    _emit(args, changes.render(args.format or "text").encode())
    return EXIT_OK


def _emit(args: argparse.Namespace, content: bytes) -> None:
    if args.output:  # never through a symlink a pull request planted (see write_file)
        write_file(args.output, content)
    else:  # the bytes as they are, UTF-8, whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
