"""Pass: names become Kubernetes objects, DAG ids and label values, so they must be DNS-1123."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path
from mlopsc.spec import Spec
from mlopsc.spec.common import EnvValue
from mlopsc.values.units import is_dns1123_label

_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
"""Kubernetes' rule for environment variable names (validation.IsEnvVarName)."""
SECTIONS = ("environments", "datasets", "features", "pipelines", "models", "deployments",
            "slos", "monitors", "waivers")


def check_names(spec: Spec, bag: Diagnostics) -> None:
    """Report names that are not DNS-1123 labels and names used twice in one list."""
    for section in SECTIONS:
        for name in getattr(spec, section):
            _label(name, (section, name), bag)
    for pipeline_name, pipeline in spec.pipelines.items():
        base = ("pipelines", pipeline_name, "steps")
        names = [step.name for step in pipeline.steps]
        for i, name in enumerate(names):
            _label(name, base + (i, "name"), bag, key=False)
        _unique(names, base, "step", bag)
    for name, dataset in spec.datasets.items():
        _unique([f.name for f in dataset.fields], ("datasets", name, "fields"), "field", bag)
        _unique([q.name for q in dataset.quality], ("datasets", name, "quality"), "check", bag)
    for name, model in spec.models.items():
        fields = [f.name for f in model.input_schema]
        _unique(fields, ("models", name, "input_schema"), "field", bag)
    for name, environment in spec.environments.items():
        if environment.namespace is not None:
            _label(environment.namespace, ("environments", name, "namespace"), bag, key=False,
                   what="namespace")
    _env_names(spec, bag)


def _env_names(spec: Spec, bag: Diagnostics) -> None:
    envs: list[tuple[Path, dict[str, EnvValue]]] = [
        (("deployments", n, "env"), d.env) for n, d in spec.deployments.items()]
    envs += [(("pipelines", n, "steps", i, "env"), step.env)
             for n, p in spec.pipelines.items() for i, step in enumerate(p.steps)]
    for base, env in envs:
        for key in env:
            if key.isprintable() and not _ENV_NAME.match(key):  # else E330 says why
                bag.add("E329", f"{key!r} is not a valid environment variable name",
                        path=base + (key,), key=True,
                        hint="letters, digits, '_', '-' and '.', not starting with a digit, "
                             "e.g. 'MODEL_PATH'")


def _label(name: str, path: Path, bag: Diagnostics, *, key: bool = True,
           what: str = "name") -> None:
    if is_dns1123_label(name) or not name.isprintable():  # E330 reports control characters
        return
    suggestion = "".join(c if c.isalnum() or c == "-" else "-" for c in name.lower()).strip("-")
    hint = "use lowercase letters, digits and '-', at most 63 characters"
    if suggestion and is_dns1123_label(suggestion):
        hint += f", e.g. '{suggestion}'"
    invalid_name(bag, f"{_quoted(name)} is not a valid {what} (DNS-1123 label)", path, hint,
                 key=key)


def invalid_name(bag: Diagnostics, message: str, path: Path, hint: str, *,
                 key: bool = False) -> None:
    """E303, the one code for a name Kubernetes (or a DAG id) would refuse."""
    bag.add("E303", message, path=path, key=key, hint=hint)


def _quoted(name: str, limit: int = 70) -> str:
    return repr(name) if len(name) <= limit else repr(name[:limit]) + "..."


def _unique(names: Iterable[str], path: Path, what: str, bag: Diagnostics) -> None:
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in first:
            bag.add("E311", f"{what} name {name!r} is used twice (first at index {first[name]})",
                    path=path + (i, "name"))
        else:
            first[name] = i
