"""`mlopsc explain CODE`: what a diagnostic code means and how to fix it."""

from __future__ import annotations

from mlopsc.errors import MlopscError


def register(sub) -> None:
    parser = sub.add_parser("explain", help="explain a diagnostic code")
    parser.add_argument("code", help="e.g. E306")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from mlopsc.codes import UnknownCode, suggest
    from mlopsc.explain import explain

    try:
        print(explain(args.code), end="")
    except UnknownCode:
        guess = suggest(args.code)
        raise MlopscError(f"unknown code {args.code!r}"
                          + (f"; did you mean {guess}?" if guess else "")) from None
    return 0
