"""`mlopsc schema`: print the JSON Schema of the spec (for editors)."""

from __future__ import annotations

import json
from typing import Any

import click

from mlopsc.cli.base import Command
from mlopsc.cli.common import Args, run_command


@click.command("schema", cls=Command, short_help="print the JSON Schema of mlops.yaml",
               help="Print the JSON Schema of mlops.yaml (for editors).")
def command(**params: Any) -> int:
    return run_command(run, params)


def run(args: Args) -> int:
    from mlopsc import api

    print(json.dumps(api.schema(), indent=2, sort_keys=True))
    return 0
