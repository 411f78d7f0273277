"""Pipelines as their orchestrator will run them: what would be refused or would misbehave.

Called by ``check_pipelines`` so that ``validate`` (not only ``compile``) reports it: a
scheduled run that cannot start, a time zone a recurring run cannot hold, a cached step
that would return stale data, artifacts with nowhere to live, a GPU type written for
another node label.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_affinity import check_affinity
from mlopsc.passes.check_k8s_names import kubernetes_names
from mlopsc.passes.check_notify import check_notify
from mlopsc.render import gpu
from mlopsc.spec.pipelines import Pipeline


def check_orchestration(name: str, pipeline: Pipeline, bag: Diagnostics) -> None:
    """Every finding about how ``pipeline``'s orchestrator runs it, at the user's line."""
    where = ("pipelines", name)
    _timezone(where, pipeline, bag)
    _required_parameters(where, pipeline, bag)
    _caching(where, pipeline, bag)
    _artifact_store(where, pipeline, bag)
    _gpu_types(where, pipeline, bag)
    _volumes(where, pipeline, bag)
    kubernetes_names(where, pipeline, bag)
    check_affinity(where, pipeline, bag)
    check_notify(where, pipeline, bag)


@cache
def _zones() -> frozenset[str]:
    # Not zones but files of the tz database: the host's own zone and a placeholder.
    return frozenset(zoneinfo.available_timezones()) - _NOT_ZONES | {"UTC"}


_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


def _timezone(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    path = (*where, "timezone")
    if pipeline.timezone != "UTC" and pipeline.timezone not in _zones():  # skip the tz walk
        bag.add("E337", f"pipeline {where[1]!r}: unknown time zone {pipeline.timezone!r}",
                path=path, hint="use an IANA time zone name, e.g. `UTC` or `Europe/Berlin`")
    elif pipeline.orchestrator == "kubeflow" and pipeline.schedule \
            and pipeline.timezone not in ("UTC", "Etc/UTC"):
        bag.add("W524", f"pipeline {where[1]!r}: a KFP recurring run has no time zone; the "
                f"schedule is read in the cluster's ({pipeline.timezone!r} is not used)",
                path=path)


def _required_parameters(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    if pipeline.orchestrator != "kubeflow" or not pipeline.schedule:
        return
    for param, parameter in pipeline.parameters.items():
        if parameter.default is None:
            bag.add("W517", f"pipeline {where[1]!r}: parameter {param!r} has no default; "
                    "the recurring run passes only defaults, so KFP refuses every "
                    "scheduled run", path=(*where, "parameters", param))


def _caching(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    if pipeline.orchestrator != "kubeflow":
        return
    if not (pipeline.schedule or any(t.type != "manual" for t in pipeline.triggers)):
        return
    for i, step in enumerate(pipeline.steps):
        if step.cache is True and not step.inputs:
            bag.add("W525", f"step {step.name!r}: cached without input artifacts, so every "
                    "scheduled or triggered run reuses the first run's outputs",
                    path=(*where, "steps", i, "cache"))


def _artifact_store(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    store = pipeline.artifact_store
    if store is not None and (store.uri is None) == (store.pvc is None):
        bag.add("E338", f"pipeline {where[1]!r}: an artifact store needs exactly one of "
                "`uri` and `pvc`", path=(*where, "artifact_store"))
    if pipeline.orchestrator != "airflow" or store is not None:
        return
    for i, step in enumerate(pipeline.steps):
        if step.inputs or step.outputs:
            field = "inputs" if step.inputs else "outputs"
            bag.add("W521", f"step {step.name!r}: Airflow passes no artifacts between "
                    "tasks and the pipeline has no `artifact_store`",
                    path=(*where, "steps", i, field))
            return


def _gpu_types(where: tuple[str, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    for i, step in enumerate(pipeline.steps):
        kind = step.resources.gpu.type if step.resources and step.resources.gpu else None
        if kind is not None and not gpu.known(kind):
            bag.add("W526", f"step {step.name!r}: GPU type {kind!r} is written as given; "
                    "mlopsc cannot write it for another node label (`gpu-node-label`)",
                    path=(*where, "steps", i, "resources", "gpu", "type"))


# Volumes the targets add themselves: a writable /tmp, and the Airflow artifact store.
RESERVED_VOLUMES = frozenset({"tmp", "mlopsc-artifacts"})


def _volumes(where: tuple[str, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    store = pipeline.artifact_store
    taken_paths = {"/tmp"} | ({store.mount_path} if store is not None and store.pvc else set())
    for i, step in enumerate(pipeline.steps):
        names: set[str] = set()
        paths = set(taken_paths)
        for j, volume in enumerate(step.volumes):
            at: tuple[str | int, ...] = (*where, "steps", i, "volumes", j)
            if volume.name in RESERVED_VOLUMES or volume.name in names:
                bag.add("E339", f"step {step.name!r}: volume name {volume.name!r} is "
                        "already used in the pod", path=(*at, "name"))
            if volume.mount_path in paths:
                bag.add("E339", f"step {step.name!r}: something is already mounted at "
                        f"{volume.mount_path!r}", path=(*at, "mount_path"))
            if volume.pvc is not None and (volume.size_limit or volume.medium != "disk"):
                bag.add("E339", f"step {step.name!r}: volume {volume.name!r} is a claim; "
                        "`medium` and `size_limit` are for an emptyDir", path=at)
            names.add(volume.name)
            paths.add(volume.mount_path)
