"""The ``inventory`` target: one CSV row per deployed model version."""

from __future__ import annotations

import csv
import io
from typing import ClassVar

from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import IR
from mlopsc.source import parse_path
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc_inventory import INVENTORY

COLUMNS = ("deployment", "environment", "namespace", "model", "version", "stage", "risk_tier",
           "strategy", "owner")


class InventoryTarget:
    declaration: ClassVar[TargetDeclaration] = INVENTORY

    def emit(self, ir: IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for deployment in ir.deployments:
            model = ir.get(deployment.model)
            owner = deployment.owner or model.owner
            if owner is None:
                # A target reports what it cannot do; it never drops it silently.
                diagnostics.add("W503", f"deployment {deployment.name!r} has no owner; the "
                                "inventory lists it as 'unknown'",
                                path=parse_path(deployment.path))
            writer.writerow((deployment.name, deployment.environment, deployment.namespace,
                             model.name, deployment.version, model.stage,
                             model.risk_tier or "", deployment.rollout.strategy,
                             owner or "unknown"))
        return [Artifact("inventory.csv", buffer.getvalue().encode())]
