"""Always-on output: ``governance/report.json`` and ``governance/report.md``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.governance.report import build_report
from mlopsc.governance.report_md import render_markdown
from mlopsc.ir import IR
from mlopsc.target import Artifact, EmitOptions


def dump_json(data: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``report.json`` (package data, also in docs/schemas/)."""
    text = resources.files("mlopsc.governance").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class GovernanceOutput:
    name = "governance"
    description = "governance report: models, policy results, waivers, regulations, contracts"

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        report = build_report(ir, options.policy, options.today, version=options.version)
        # The schema travels beside the report so editors and auditors can check it offline.
        report = {"$schema": "report.schema.json", **report}
        return [
            Artifact("report.json", dump_json(report)),
            Artifact("report.schema.json", dump_json(report_schema())),
            Artifact("report.md", render_markdown(report, options.header()).encode()),
        ]
