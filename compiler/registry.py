"""The registry of compile targets: built-ins in one table, loaded lazily; plugins from entry
points.

Each row names a target's :class:`~mlopsc.target.TargetDeclaration`: its settings,
orchestrators, diagnostic codes and docs, readable without importing the code that emits.
A plugin's entry point (group ``mlopsc.targets``) names its declaration, or a Target class
that carries one as ``declaration``.
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points

from mlopsc.target import Target, TargetDeclaration

ENTRY_POINT_GROUP = "mlopsc.targets"

# name -> "module:DECLARATION". Adding a built-in target touches only this table (and its folder).
BUILTIN_TARGETS: dict[str, str] = {
    "kubeflow": "mlopsc.targets.kubeflow:DECLARATION",
    "airflow": "mlopsc.targets.airflow:DECLARATION",
    "kubernetes": "mlopsc.targets.kubernetes:DECLARATION",
    "prometheus": "mlopsc.targets.prometheus:DECLARATION",
    "model-card": "mlopsc.targets.model_card:DECLARATION",
}

PLUGIN_CODES = range(900, 1000)
"""Plugins number their codes 900-999: mlopsc's own areas never use them, so a plugin's
code cannot collide with one a later mlopsc release adds."""


class UnknownTarget(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        guess = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        super().__init__(f"unknown target '{name}'{hint} (known: {', '.join(known)})")


class TargetLoadError(RuntimeError):
    pass


class SettingError(ValueError):
    """A ``--set`` that no target reads, or a value its target refuses."""


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


def _resolve(reference: str) -> object:
    module_name, _, attribute = reference.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    return obj


@cache
def declaration(name: str) -> TargetDeclaration:
    """The declaration of target ``name``, importing only the module that declares it.

    Raises :class:`UnknownTarget`, or :class:`TargetLoadError` for a plugin that cannot be
    imported or whose declaration does not hold together.
    """
    reference = BUILTIN_TARGETS.get(name) or _plugins().get(name)
    if reference is None:
        raise UnknownTarget(name, list(available()))
    try:
        obj = _resolve(reference)
    except Exception as error:  # a broken plugin must not look like a passing compile
        raise TargetLoadError(f"target '{name}' could not be loaded from {reference}: "
                              f"{type(error).__name__}: {error}") from error
    found = obj if isinstance(obj, TargetDeclaration) else getattr(obj, "declaration", None)
    if not isinstance(found, TargetDeclaration):
        raise TargetLoadError(f"target '{name}' ({reference}) has no TargetDeclaration")
    _check_declaration(name, found, builtin=name in BUILTIN_TARGETS)
    return found


def _check_declaration(name: str, found: TargetDeclaration, *, builtin: bool) -> None:
    if found.name != name:
        raise TargetLoadError(f"target '{name}' declares the name '{found.name}'")
    for row in found.codes:
        number = int(row.code[1:]) if row.code[1:].isdigit() else -1
        if (number in PLUGIN_CODES) == builtin:
            where = "a plugin's range" if builtin else "mlopsc's own range"
            raise TargetLoadError(f"target '{name}' declares {row.code}, a code in {where} "
                                  "(plugins number their codes 900-999)")


def declarations() -> dict[str, TargetDeclaration]:
    """Every available target's declaration (built-ins and plugins), by name.

    A plugin that cannot be loaded is left out (see :func:`broken_plugins`) rather than
    failing every run: what needs it still fails, as its orchestrator is then claimed by no
    target (E333) and selecting it raises :class:`TargetLoadError`.
    """
    return _scan()[0]


def builtin_declarations() -> dict[str, TargetDeclaration]:
    """The built-in targets' declarations, by name."""
    return {name: declaration(name) for name in sorted(BUILTIN_TARGETS)}


def broken_plugins() -> dict[str, str]:
    """Plugins whose declaration could not be loaded, with the reason."""
    return _scan()[1]


def _scan() -> tuple[dict[str, TargetDeclaration], dict[str, str]]:
    found: dict[str, TargetDeclaration] = {}
    broken: dict[str, str] = {}
    for name in available():
        try:
            found[name] = declaration(name)
        except TargetLoadError as error:
            if name in BUILTIN_TARGETS:
                raise
            broken[name] = str(error)
    return found, broken


def orchestrators() -> dict[str, tuple[str, ...]]:
    """Each orchestrator name that a target claims, and the targets that claim it."""
    claimed: dict[str, tuple[str, ...]] = {}
    for name, declared in declarations().items():
        for orchestrator in declared.orchestrators:
            claimed[orchestrator] = (*claimed.get(orchestrator, ()), name)
    return dict(sorted(claimed.items()))


def load(name: str) -> Target:
    """Instantiate a target by name, importing its emitter only now."""
    declared = declaration(name)
    try:
        target = _resolve(declared.emitter)()  # type: ignore[operator]
    except Exception as error:  # a broken plugin must not look like a passing compile
        raise TargetLoadError(f"target '{name}' could not be loaded from {declared.emitter}: "
                              f"{type(error).__name__}: {error}") from error
    if not isinstance(target, Target) or target.declaration is not declared:
        raise TargetLoadError(f"target '{name}' ({declared.emitter}) does not implement "
                              "Target with this declaration")
    return target


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
        declared = declaration(name).settings
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


def default_targets() -> list[str]:
    """What `compile` runs without --target: the built-ins only, so that the same spec gives
    the same tree on every machine whatever plugins happen to be installed there."""
    return sorted(BUILTIN_TARGETS)
