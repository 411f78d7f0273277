"""The click classes every command is made of.

Commands list their positional arguments, with a line of help each, under ``Arguments``
(click lists only options); ``-h`` is ``--help``; a value an option cannot take is a click
usage error (exit 2) that says why, as :func:`parsed` makes it from a plain parse function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

T = TypeVar("T")

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"],
                                    "max_content_width": 100}


class Operand(click.Argument):
    """A positional argument with a help text, which :class:`Command` shows in ``--help``.

    The text is kept apart from click's own ``help`` of arguments (click 8.3 and later),
    so that every click 8 release prints it once, under the same heading.
    """

    def __init__(self, param_decls: Sequence[str], *, help: str = "",
                 **attrs: Any) -> None:
        super().__init__(param_decls, **attrs)
        self.operand_help = help


class Command(click.Command):
    """A command whose ``--help`` lists its :class:`Operand` arguments before the options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        super().__init__(*args, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(param.metavar or (param.name or "").upper(), param.operand_help)
                for param in self.get_params(ctx) if isinstance(param, Operand)]
        if rows:
            with formatter.section("Arguments"):
                formatter.write_dl(rows)
        super().format_options(ctx, formatter)


class Group(click.Group):
    """A command of commands (``mlopsc`` itself, ``mlopsc policy``).

    Without a command it is a usage error (exit 2), in every click 8 release: click 8.1
    prints the help and exits 0 where 8.2 and later exit 2.
    """

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        kwargs.setdefault("no_args_is_help", False)
        super().__init__(*args, **kwargs)


def parsed(parse: Callable[[str], T], default: T | None = None,
           ) -> Callable[[click.Context, click.Parameter, Any], T | None]:
    """An option callback that turns the option's text into a value with ``parse``.

    ``parse`` raises :class:`ValueError` saying what is wrong; click then reports
    ``Invalid value for '--NAME': ...`` and exits 2. An absent option gives ``default``.

    >>> import click
    >>> @click.command()
    ... @click.option("--n", callback=parsed(int, 7))
    ... def show(n: int) -> None:
    ...     print(n)
    >>> show.main(["--n", "3"], standalone_mode=False)
    3
    """

    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> T | None:
        if value is None:
            return default
        try:
            return parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx=ctx, param=param) from None

    return convert
