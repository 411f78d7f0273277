"""Watcher DAGs: a firing drift or performance alert becomes the asset event a DAG waits for.

A pipeline with a ``drift`` or ``performance`` trigger schedules on the asset
``mlopsc://monitors/<monitor>`` (``render.asset``). Nothing in Airflow emits it, so for
every monitor such a trigger names, the target writes ``dags/mlopsc-watch-<monitor>.py``:
a DAG on a short interval whose one task (a plain ``@task``, run in the worker) asks
Prometheus' ``/api/v1/alerts`` for the monitor's firing alerts (the Prometheus target puts
the label ``monitor="<name>"`` on every alert of a monitor) and, when one fires, emits the
asset event. The event's ``extra`` names the alert episode (the earliest ``activeAt`` of
the firing alerts); the task remembers the last episode it emitted and when, in the Airflow
Variable ``mlopsc_watch_<monitor>``, and emits nothing when the alert is of the same
episode or the last event is younger than the cooldown. (The asset's own last event, read
as an inlet, would do, but Airflow 3.1's execution API fails to serve an asset event whose
queued run has not started yet: the watcher would fail every minute while the retraining
run waits.)

A ``data_change`` trigger's asset is the dataset's: the job that writes the dataset must
emit it, which mlopsc cannot generate; N527 says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.source import entity_path
from mlopsc.target import Artifact, EmitOptions
from mlopsc.targets.airflow import render
from mlopsc.targets.airflow.literals import airflow_id
from mlopsc.values.units import parse_duration

DEFAULT_CONN_ID = "mlopsc_prometheus"
DEFAULT_COOLDOWN = "1h"
DEFAULT_INTERVAL = "1m"
MONITOR_TRIGGERS = ("drift", "performance")


def watched(pipelines: Iterable[ir.Pipeline]) -> dict[str, list[str]]:
    """Monitor name -> names of the pipelines its alert starts, both sorted.

    >>> from types import SimpleNamespace as N
    >>> p = N(name="train", triggers=(ir.Trigger(type="drift", monitor="monitor:m"),))
    >>> watched([p])
    {'m': ['train']}
    """
    out: dict[str, set[str]] = {}
    for p in pipelines:
        for t in p.triggers:
            if t.type in MONITOR_TRIGGERS and t.monitor is not None:
                out.setdefault(t.monitor.partition(":")[2], set()).add(p.name)
    return {m: sorted(names) for m, names in sorted(out.items())}


def dag_id(monitor: str) -> str:
    """The watcher's DAG id (and file stem).

    >>> dag_id("scorer-feature-drift")
    'mlopsc-watch-scorer-feature-drift'
    """
    return airflow_id(f"mlopsc-watch-{monitor}")


def seconds(settings: dict[str, Any], key: str, default: str) -> int:
    """A duration setting in whole seconds (the declaration's pattern admits only durations)."""
    value = parse_duration(str(settings.get(key, default)))
    return max(1, int(value if value is not None else parse_duration(default) or 1))


def watcher(monitor: str, pipelines: list[str], settings: dict[str, Any]) -> dict[str, Any]:
    """What ``watcher.py.j2`` needs for one monitor, as plain data."""
    name, uri = render.asset(None, ir.Trigger(type="drift", monitor=f"monitor:{monitor}"))
    return {
        "monitor": monitor, "dag_id": dag_id(monitor), "asset_name": name, "asset_uri": uri,
        "conn_id": str(settings.get("airflow.prometheus-conn", DEFAULT_CONN_ID)),
        "state_key": f"mlopsc_watch_{monitor}",
        "cooldown_s": seconds(settings, "airflow.trigger-cooldown", DEFAULT_COOLDOWN),
        "interval_s": seconds(settings, "airflow.watch-interval", DEFAULT_INTERVAL),
        "doc": (f"Emits the asset event that starts {', '.join(pipelines)} when an alert of "
                f"monitor {monitor} fires (once per alert episode, at most once per cooldown)."),
    }


def emit(ir_: ir.IR, pipelines: list[ir.Pipeline], template: Any, options: EmitOptions,
         bag: Diagnostics, skip: frozenset[str] = frozenset()) -> list[Artifact]:
    """The watcher DAG files of ``pipelines`` (the Airflow ones), after N527; none for the
    monitors in ``skip`` (their DAG id is a pipeline's: the target reports E521)."""
    _unproduced_assets(ir_, pipelines, bag)
    out = []
    for monitor, names in watched(pipelines).items():
        if monitor in skip:
            continue
        data = watcher(monitor, names, options.settings)
        text = template.render(w=data, header=options.header())
        out.append(Artifact(f"dags/{data['dag_id']}.py", text.encode()))
    return out


def _unproduced_assets(ir_: ir.IR, pipelines: list[ir.Pipeline], bag: Diagnostics) -> None:
    datasets: dict[str | None, ir.Dataset] = {d.id: d for d in ir_.datasets}
    for p in pipelines:
        for i, t in enumerate(p.triggers):
            if t.type == "data_change":
                name, uri = render.asset(datasets.get(t.dataset), t)
                bag.add("N527", f"pipeline {p.name!r} waits for an event of asset {uri!r} "
                        f"(dataset {name!r}), which nothing mlopsc generates emits: the job "
                        "that writes the dataset must emit it",
                        path=entity_path(p.path) + ("triggers", i))
