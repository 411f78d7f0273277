"""The registry of compile targets: built-ins in one table, loaded lazily; plugins from entry
points."""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Mapping
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


class SettingError(ValueError):
    """A ``--set`` that no target reads, or a value its target refuses."""


def check_settings(settings: Mapping[str, str]) -> None:
    """Refuse ``TARGET.KEY=VALUE`` settings for unknown targets, keys a target does not
    declare, and values outside a declared setting's choices or pattern.

    Raises :class:`SettingError` (or :class:`UnknownTarget`) for the first one, in key order.
    """
    for key in sorted(settings):
        value = settings[key]
        name, _, option = key.partition(".")
        if not name or not option:
            raise SettingError(f"--set {key}: expected TARGET.KEY=VALUE")
        declared = getattr(load(name), "settings", None)
        if declared is None:  # a plugin that does not declare its settings reads them itself
            continue
        if option not in declared:
            guess = difflib.get_close_matches(option, sorted(declared), n=1)
            hint = f"; did you mean '{name}.{guess[0]}'?" if guess else ""
            known = ", ".join(f"{name}.{k}" for k in sorted(declared)) or "none"
            raise SettingError(f"--set {key}: target '{name}' has no setting '{option}'{hint} "
                               f"(its settings: {known})")
        setting = declared[option]
        if setting.choices is not None and value not in setting.choices:
            raise SettingError(f"--set {key}={value}: must be one of "
                               f"{', '.join(setting.choices)}")
        if setting.pattern is not None and re.fullmatch(setting.pattern, value) is None:
            raise SettingError(f"--set {key}={value}: expected "
                               f"{setting.expected or 'a value matching ' + setting.pattern}")


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
