"""The registry of compile targets: built-ins in one table, loaded lazily; plugins from entry
points."""

from __future__ import annotations

import difflib
import importlib
from functools import cache
from importlib.metadata import entry_points

from mlopsc.target import Target

ENTRY_POINT_GROUP = "mlopsc.targets"

# name -> "module:Class". Adding a built-in target touches only this table.
BUILTIN_TARGETS: dict[str, str] = {
    "kubeflow": "mlopsc.targets.kubeflow:KubeflowTarget",
    "airflow": "mlopsc.targets.airflow:AirflowTarget",
    "kubernetes": "mlopsc.targets.kubernetes:KubernetesTarget",
    "prometheus": "mlopsc.targets.prometheus:PrometheusTarget",
    "model-card": "mlopsc.targets.model_card:ModelCardTarget",
}


class UnknownTarget(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        guess = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        super().__init__(f"unknown target '{name}'{hint} (known: {', '.join(known)})")


class TargetLoadError(RuntimeError):
    pass


@cache
def _plugins() -> dict[str, str]:
    found: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in BUILTIN_TARGETS:
            found[ep.name] = ep.value
    return found


def available() -> dict[str, str]:
    """Every known target name and where it comes from (``builtin`` or the plugin's reference)."""
    names = dict.fromkeys(BUILTIN_TARGETS, "builtin")
    names.update(_plugins())
    return dict(sorted(names.items()))


def load(name: str) -> Target:
    """Instantiate a target by name, importing its module only now."""
    reference = BUILTIN_TARGETS.get(name) or _plugins().get(name)
    if reference is None:
        raise UnknownTarget(name, list(available()))
    module_name, _, attribute = reference.partition(":")
    try:
        obj = importlib.import_module(module_name)
        for part in attribute.split("."):
            obj = getattr(obj, part)
        target = obj()
    except Exception as error:  # a broken plugin must not look like a passing compile
        raise TargetLoadError(f"target '{name}' could not be loaded from {reference}: "
                              f"{type(error).__name__}: {error}") from error
    if not isinstance(target, Target):
        raise TargetLoadError(f"target '{name}' ({reference}) does not implement Target")
    return target


def default_targets() -> list[str]:
    """What `compile` runs without --target: the built-ins only, so that the same spec gives
    the same tree on every machine whatever plugins happen to be installed there."""
    return sorted(BUILTIN_TARGETS)
