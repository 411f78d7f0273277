"""`mlopsc report [SPEC]`: the governance report; `mlopsc report diff OLD NEW`: what changed.

OLD and NEW are each a ``report.json`` or a spec (compiled up to the policy gate).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from mlopsc.cli import complete
from mlopsc.cli.base import Command, Operand
from mlopsc.cli.common import (
    EXIT_BLOCKED,
    EXIT_OK,
    Args,
    environment_option,
    limit_options,
    options_from,
    policy_options,
    run_command,
    write_file,
)
from mlopsc.errors import MlopscError


@click.command(
    "report", cls=Command, short_help="governance report of a spec, or `report diff OLD NEW`",
    help="Print the governance report of SPEC (default ./mlops.yaml), or with `diff OLD NEW` "
         "say what changed between two reports or two specs.\n\n\b\n"
         "mlopsc report [SPEC] [OPTIONS]\nmlopsc report diff OLD NEW [OPTIONS]")
@click.argument("operands", cls=Operand, nargs=-1, metavar="[SPEC | diff OLD NEW]",
                shell_complete=complete.report_operands,
                help="a spec, or the word diff and two report.json files or specs")
@click.option("--format", type=click.Choice(("text", "json", "md", "html")),
              help="report: md (default; text is the same Markdown, which reads as plain "
                   "text), json or html (one self-contained page); diff: text (default), json "
                   "or md")
@click.option("--base", metavar="OLD", shell_complete=complete.files,
              help="html report: also show what changed since OLD (a report.json or a spec)")
@click.option("-o", "--output", metavar="FILE", shell_complete=complete.files,
              help="write to FILE, not stdout")
@environment_option
@limit_options
@policy_options
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
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


def _report(args: Args) -> int:
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


def _diff(args: Args, old: str, new: str) -> int:
    from mlopsc.governance.diff import diff_reports
    from mlopsc.governance.inputs import load_report

    args.spec = old
    options = options_from(args)
    changes = diff_reports(load_report(old, options), load_report(new, options))
    _emit(args, changes.render(args.format or "text").encode())
    return EXIT_OK


def _emit(args: Args, content: bytes) -> None:
    if args.output:  # never through a symlink a pull request planted (see write_file)
        write_file(args.output, content)
    else:  # the bytes as they are, UTF-8, whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
