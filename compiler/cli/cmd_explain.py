"""`mlopsc explain CODE`: what a diagnostic code means and how to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from mlopsc.cli import complete
from mlopsc.cli.base import Command, Operand
from mlopsc.cli.common import Args, run_command
from mlopsc.errors import MlopscError

if TYPE_CHECKING:
    from mlopsc.policy.bundle import Bundles


@click.command("explain", cls=Command, short_help="explain a diagnostic code",
               help="Explain a diagnostic code or a rule of the default policy bundle: what "
                    "it means and how to fix it.")
@click.argument("code", cls=Operand, shell_complete=complete.codes, help="e.g. E306")
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc.codes import UnknownCode, suggest
    from mlopsc.tools.explain import explain

    try:
        print(explain(args.code), end="")
    except UnknownCode:
        rules = _default_rules()
        rule = _policy_rule(args.code, rules)
        if rule is not None:
            print(rule, end="")
            return 0
        guess = suggest(args.code, rules.rules)
        raise MlopscError(f"unknown code {args.code!r}"
                          + (f"; did you mean {guess}?" if guess else "")) from None
    return 0


def _default_rules() -> Bundles:
    from mlopsc.policy.bundle import DEFAULT_BUNDLE, default_bundle_dir, load_bundles

    return load_bundles([(DEFAULT_BUNDLE, default_bundle_dir())])


def _policy_rule(code: str, bundles: Bundles) -> str | None:
    """A rule of the default policy bundle (e.g. GOV-001), from its annotations."""
    info = bundles.rules.get(code.upper())
    if info is None:
        return None
    file, line = bundles.rule_lines[info.code]
    hint = bundles.hints.get(info.code)
    lines = [f"{info.code}: {info.title}", "",
             (f"policy rule ({info.severity}) of the default bundle, domain {info.domain}; "
              f"judges {', '.join(info.applies_to)}; defined in {file}:{line}"), "",
             info.description, ""]
    if hint:
        lines += [f"hint: {hint}", ""]
    lines.append("Switch it off for one subject with a waiver (waivers: in the spec), or for "
                 "every subject with governance.disabled_rules; both are reported.")
    return "\n".join(lines) + "\n"
