"""What the DAG template needs, as plain data: one record per DAG and per task.

Every value here is still a spec value (text, numbers); only the template turns it into
source, and only through the escaping filters of ``literals``. Arguments with placeholders
are the exception: they become Jinja templates that Airflow renders at run time, built here
from escaped pieces (``$(params.X)`` -> ``params["X"]``, a mapped task's ``$(item)`` ->
``params["mlopsc.item"]``, artifact paths under the artifact root, keyed by ``run_id``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlopsc import ir
from mlopsc.passes.check_pipelines import PLACEHOLDER
from mlopsc.targets.airflow.fanout import ITEM_KEY
from mlopsc.targets.airflow.literals import (
    airflow_id,
    jinja_str,
    py,
    py_name,
    py_tpl,
    py_tpl_map,
)

PARAM_TYPES = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean",
               "list": "array"}
GPU_RESOURCE = "nvidia.com/gpu"
# A plain ASCII URI without user info or fragment (Airflow drops both, changing the asset's
# identity), and not of the scheme Airflow reserves (it refuses the DAG).
_URI = re.compile(r"(?!airflow://)[a-z][a-z0-9+.-]*://"
                  r"[\x21\x22\x24-\x2e\x30-\x3f\x41-\x7e]*(/[\x21\x22\x24-\x7e]*)?\Z")


@dataclass(frozen=True)
class Arg:
    """A command/args item as source: a literal, or a run-time template built by mlopsc."""

    code: str


def arg(text: str, artifact_path: Callable[[str, str], tuple[str, str]],
        booleans: frozenset[str] = frozenset()) -> Arg:
    """The source of one command/args item (``artifact_path(group, name)`` -> (prefix, suffix)).

    A boolean parameter renders as JSON (``true``), as Kubeflow passes it, not as Python's
    ``True``.
    """
    if not PLACEHOLDER.search(text):
        return Arg(py_tpl(text))
    parts, pos = [], 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > pos:
            parts.append(jinja_str(text[pos:match.start()]))
        group, _, name = match.group(1).partition(".")
        if group == "item":  # a mapped task's item, merged into its params (fanout)
            parts.append(f"params[{jinja_str(ITEM_KEY)}]")
        elif group == "params":
            value = f"params[{jinja_str(name)}]"
            parts.append(f"({value} | tojson)" if name in booleans else value)
        elif group == "results":  # the pod's XCom file (one result per step, E211)
            parts.append(jinja_str("/airflow/xcom/return.json"))
        else:
            before, after = artifact_path(group, name)
            parts += [jinja_str(before), "run_id", jinja_str(after)]
        pos = match.end()
    if pos < len(text):
        parts.append(jinja_str(text[pos:]))
    return Arg(py("{{ " + " ~ ".join(parts) + " }}"))


def asset(dataset: ir.Dataset | None, trigger: ir.Trigger) -> tuple[str, str]:
    """(name, uri) of the Airflow asset a trigger waits for.

    A dataset's asset is its ``location`` when that is a plain ASCII URI that Airflow keeps
    as it is (so producers that already emit it match), else ``mlopsc://datasets/<name>``;
    a monitor's alert is ``mlopsc://monitors/<name>``, to be emitted through Airflow's REST
    API.
    """
    if trigger.type == "data_change":
        assert trigger.dataset is not None  # a data_change trigger names its dataset
        name = trigger.dataset.partition(":")[2]
        location = dataset.location if dataset is not None else None
        uri = location if location and _URI.match(location) else f"mlopsc://datasets/{name}"
        return name, uri
    assert trigger.monitor is not None  # the other triggers with an asset name a monitor
    name = trigger.monitor.partition(":")[2]
    return f"monitor-{name}", f"mlopsc://monitors/{name}"


def dag_doc(text: str | None) -> str | None:
    """The DAG's ``doc_md``: Airflow reads a ``doc_md`` ending in ``.md`` as a path and shows
    that file instead (or fails to import the DAG when it cannot read it), so such a
    description gets a trailing newline, which Markdown does not show.

    >>> dag_doc("See runbooks/fraud.md"), dag_doc("Nightly.")
    ('See runbooks/fraud.md\\n', 'Nightly.')
    """
    return text + "\n" if text is not None and text.endswith(".md") else text


def param(p: ir.Parameter) -> dict[str, Any]:
    kind = PARAM_TYPES[p.type]
    # A parameter without a default may be null: a scheduled DAG may not have required params.
    return {"name": p.name, "default": p.default,
            "type": kind if p.default is not None else [kind, "null"],
            "item_type": "string" if p.type == "list" else None,
            "description": p.description}


def resources(r: ir.Resources | None) -> tuple[dict[str, Any], dict[str, Any]]:
    if r is None:
        return {}, {}
    requests = {k: v for k, v in (("cpu", r.cpu), ("memory", r.memory)) if v is not None}
    # The spec's memory limit defaults to the request.
    limits = {k: v for k, v in (("cpu", r.cpu_limit), ("memory", r.memory_limit or r.memory))
              if v is not None}
    if r.gpu_count:
        limits[GPU_RESOURCE] = str(r.gpu_count)
    return requests, limits


def volumes(step: ir.Step, store: ir.ArtifactStore | None) -> dict[str, Any]:
    """The step pod's volumes: a writable ``/tmp`` (an emptyDir) when the root filesystem
    is read-only, the artifact store's PVC at its mount path, and the step's own.

    >>> from types import SimpleNamespace
    >>> volumes(SimpleNamespace(security=ir.Security(), volumes=()), None)
    {'tmp': True, 'claim': None, 'mount_path': None, 'volumes': []}
    """
    own = [{"name": v.name, "mount_path": v.mount_path, "pvc": v.pvc,
            "medium": "Memory" if v.memory else None, "size_limit": v.size_limit}
           for v in step.volumes]
    if store is None or store.pvc is None:
        return {"tmp": step.security.read_only_root_filesystem, "claim": None,
                "mount_path": None, "volumes": own}
    return {"tmp": step.security.read_only_root_filesystem, "claim": store.pvc,
            "mount_path": store.mount_path, "volumes": own}


def toleration(t: ir.Toleration) -> dict[str, Any]:
    """A ``V1Toleration``'s arguments: ``Equal`` with a value, ``Exists`` without."""
    return {"key": t.key, "operator": "Exists" if t.value is None else "Equal",
            "value": t.value, "effect": t.effect}


FILTERS = {"py": py, "py_tpl": py_tpl, "py_tpl_map": py_tpl_map, "airflow_id": airflow_id,
           "py_name": py_name}
