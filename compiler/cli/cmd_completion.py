"""`mlopsc completion bash|zsh|fish`: print the script that gives a shell TAB completion.

The script is click's: on TAB the shell runs ``mlopsc`` again with ``_MLOPSC_COMPLETE`` set
and the words typed so far, and mlopsc answers with the commands, options, choices, target
names (``--target``) and the spec's environments (``--env``) that fit. docs/cli.md says
where each shell wants it.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from mlopsc.cli.base import Command, Operand
from mlopsc.cli.common import EXIT_OK, Args, run_command

SHELLS = ("bash", "zsh", "fish")

ENABLE = {
    "bash": 'eval "$(mlopsc completion bash)"  # in ~/.bashrc',
    "zsh": 'eval "$(mlopsc completion zsh)"  # in ~/.zshrc',
    "fish": "mlopsc completion fish > ~/.config/fish/completions/mlopsc.fish",
}


@click.command(
    "completion", cls=Command, short_help="print a shell completion script (bash, zsh, fish)",
    help="Print the TAB-completion script for SHELL. Enable it with\n\n\b\n"
         + "\n".join(f"  {shell}: {line}" for shell, line in ENABLE.items()))
@click.argument("shell", cls=Operand, type=click.Choice(SHELLS), metavar="SHELL",
                help="bash, zsh or fish")
def command(**params: Any) -> int:
    root = click.get_current_context().find_root().command
    params["root"] = root
    return run_command(run, params)


def run(args: Args) -> int:
    from click.shell_completion import get_completion_class

    from mlopsc.cli import COMPLETE_VAR, PROG

    shell_class = get_completion_class(args.shell)
    assert shell_class is not None  # click has all three of SHELLS
    script = shell_class(args.root, {}, PROG, COMPLETE_VAR).source()
    sys.stdout.write(script if script.endswith("\n") else script + "\n")
    return EXIT_OK
