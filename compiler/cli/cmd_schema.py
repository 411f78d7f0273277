"""`mlopsc schema`: print the JSON Schema of the spec (for editors)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlopsc.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("schema", help="print the JSON Schema of mlops.yaml")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mlopsc import api

    print(json.dumps(api.schema(), indent=2, sort_keys=True))
    return 0
