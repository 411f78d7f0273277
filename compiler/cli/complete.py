"""What the shell offers on TAB for values click cannot list by itself.

Each function is a click ``shell_complete`` callback. They run on every TAB press, so they
read little: target names come from the registry's table and entry points (no target is
imported), environment names from the ``environments`` keys of the root spec file only (no
includes, at most 1 MiB, a regular file). A completion that cannot be worked out offers
nothing rather than fail: a traceback in the middle of a command line helps nobody.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable

import click
from click.shell_completion import CompletionItem

_SPEC_READ_LIMIT = 1 << 20
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _matching(names: Iterable[str], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(name) for name in sorted(set(names)) if name.startswith(incomplete)]


def files(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Let the shell complete a file name (its own completion, hidden files and all)."""
    return [CompletionItem(incomplete, type="file")]


def directories(ctx: click.Context, param: click.Parameter,
                incomplete: str) -> list[CompletionItem]:
    """Let the shell complete a directory name."""
    return [CompletionItem(incomplete, type="dir")]


def targets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The names of the compile targets, built-in and plugins (``mlopsc targets``)."""
    try:
        from mlopsc import registry

        return _matching(registry.available(), incomplete)
    except Exception:  # noqa: BLE001 - a broken plugin must not break the shell's TAB
        return []


def environments(ctx: click.Context, param: click.Parameter,
                 incomplete: str) -> list[CompletionItem]:
    """The environments the spec on the command line (default ``./mlops.yaml``) declares."""
    try:
        return _matching(_environment_names(_spec_on_line(ctx)), incomplete)
    except Exception:  # noqa: BLE001 - an unreadable or half-written spec offers nothing
        return []


def _spec_on_line(ctx: click.Context) -> str:
    """The SPEC operand typed so far, else ``mlops.yaml``.

    click parses the words before the cursor into ``ctx.params``, but gives up at the
    option being completed (``--env`` has no value yet) before it reaches the operands; so
    the words are parsed again without that option. The completion scripts pass the line
    in ``COMP_WORDS`` (bash and zsh: ``COMP_CWORD`` is the index of the word at the cursor;
    fish: the word itself, the last of the line); every word but that one is parsed.
    """
    import shlex

    line = os.environ.get("COMP_WORDS", "")
    try:
        words = shlex.split(line)
    except ValueError:  # a quote still open at the cursor
        words = line.split()
    cursor = os.environ.get("COMP_CWORD", "")
    at = int(cursor) if cursor.isdigit() else len(words) - 1 if cursor else len(words)
    before, after = words[:at], words[at + 1:]
    if before and before[-1].startswith("-"):
        before.pop()  # the option whose value is being completed
    name = ctx.info_name or ""
    rest = [*before[before.index(name) + 1:], *after] if name in before else []
    parsed = ctx.command.make_context(name, rest, parent=ctx.parent, resilient_parsing=True)
    return str(parsed.params.get("spec") or "mlops.yaml")


def _environment_names(spec: str) -> list[str]:
    found = os.stat(spec)  # a FIFO or a device would block the shell: regular files only
    if not stat.S_ISREG(found.st_mode) or found.st_size > _SPEC_READ_LIMIT:
        return []
    import yaml

    with open(spec, "rb") as handle:
        data = yaml.safe_load(handle.read(_SPEC_READ_LIMIT))
    declared = data.get("environments") if isinstance(data, dict) else None
    if not isinstance(declared, dict):
        return []
    # Only names the spec accepts (DNS-1123 labels): a name holding a newline or a space would
    # split the shell's line-based completion protocol into entries nobody declared.
    return [name for name in declared if isinstance(name, str) and _LABEL.fullmatch(name)]


def codes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The diagnostic codes ``mlopsc explain`` knows (policy rule ids are typed in full)."""
    try:
        from mlopsc.codes import table

        return _matching(table(), incomplete.upper())
    except Exception:  # noqa: BLE001 - see targets()
        return []


def report_operands(ctx: click.Context, param: click.Parameter,
                    incomplete: str) -> list[CompletionItem]:
    """``report``'s operands: the word ``diff`` first, or a file.

    The file item goes first: click's bash script starts over at a file item and adds the
    plain words after it."""
    given = ctx.params.get(param.name or "") or ()
    offer = [CompletionItem("diff")] if not given and "diff".startswith(incomplete) else []
    return [CompletionItem(incomplete, type="file"), *offer]
