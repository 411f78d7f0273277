"""Warnings about the OpenLineage names of data contracts (run with the lineage pass, so
``mlopsc validate`` reports them): W586, a location that has no OpenLineage name; W587,
two contracts that the OpenLineage naming spec names alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlopsc.lineage.naming import dataset_name

if TYPE_CHECKING:
    from mlopsc.diagnostics import Diagnostics
    from mlopsc.ir import IR


def naming_warnings(ir: IR, diagnostics: Diagnostics) -> None:
    """W586 for each dataset whose ``location`` maps to no OpenLineage name; W587 for each
    dataset named as one before it (by spec name) is."""
    from mlopsc.source import parse_path

    seen: dict[tuple[str, str], str] = {}
    for dataset in sorted(ir.datasets, key=lambda d: d.name):
        if not dataset.location:
            continue
        path = parse_path(f"{dataset.path}.location")
        name = dataset_name(dataset.location)
        if name is None:
            diagnostics.add("W586", f"dataset {dataset.name!r}: location "
                            f"{dataset.location!r} has no OpenLineage name, so its lineage "
                            f"events use namespace {ir.name!r} and never join the runtime "
                            "events of the Airflow, Spark or dbt integrations", path=path)
        elif name in seen:
            diagnostics.add("W587", f"datasets {seen[name]!r} and {dataset.name!r} are one "
                            f"OpenLineage dataset ({name[0]} {name[1]}): a lineage consumer "
                            "merges them, and one's schema hides the other's", path=path)
        else:
            seen[name] = dataset.name
