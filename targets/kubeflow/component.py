"""One step as a KFP component: a component spec (YAML text) loaded by kfp itself.

Placeholders in command and args become kfp's own: ``$(params.X)`` an input value wired to
the pipeline parameter, ``$(inputs.X)`` an input artifact's path, ``$(outputs.X)`` an output
artifact's path, ``$(item)`` the input ``item`` (a fanned-out step's item);
text around a placeholder is joined with ``concat``. The spec text is made
with ``yaml.safe_dump``, so no spec string can change its structure.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from kfp import components
from kfp.dsl import base_component

from mlopsc import ir
from mlopsc.passes.check_pipelines import PLACEHOLDER
from mlopsc.targets.kubeflow.fanout import ITEM_INPUT

PARAMETER_TYPES = {"string": "String", "integer": "Integer", "float": "Float",
                   "boolean": "Boolean", "list": "List"}
PYTHON_TYPES = {"string": str, "integer": int, "float": float, "boolean": bool, "list": list}


def identifier(name: str) -> str:
    """The Python identifier KFP uses for ``name``.

    >>> identifier("learning-rate"), identifier("class"), identifier("1st")
    ('learning_rate', 'class_', 'p_1st')
    """
    text = re.sub(r"\W", "_", name, flags=re.ASCII)
    if not text or text[0].isdigit():
        text = "p_" + text
    return text + "_" if keyword.iskeyword(text) else text


@dataclass(frozen=True)
class StepComponent:
    """The loaded component and what the pipeline must pass to it."""

    component: base_component.BaseComponent
    params: tuple[str, ...]
    """Pipeline parameters the step reads (spec names), in first-use order."""


def placeholders_used(step: ir.Step) -> list[tuple[str, str]]:
    """(group, name) of every placeholder in command and args, first use first, no repeats."""
    seen: dict[tuple[str, str], None] = {}
    for arg in (*step.command, *step.args):
        for inner in PLACEHOLDER.findall(arg):
            group, _, name = inner.partition(".")
            seen[(group, name)] = None
    return list(seen)


def io_names(step: ir.Step) -> dict[str, list[str]]:
    """Component input/output identifier -> the spec names that map to it (for clashes)."""
    names: dict[str, list[str]] = {}
    for group, name in placeholders_used(step):
        if group == "params":
            names.setdefault(identifier(name), []).append(f"parameter {name!r}")
        elif group == "item":
            names.setdefault(ITEM_INPUT, []).append("$(item)")
    for item in step.inputs:
        names.setdefault(identifier(item.name), []).append(f"input {item.name!r}")
    for name in step.outputs:
        names.setdefault(identifier(name), []).append(f"output {name!r}")
    for result in step.results:
        names.setdefault(identifier(result.name), []).append(f"result {result.name!r}")
    return names


def build(step: ir.Step, parameters: dict[str, ir.Parameter]) -> StepComponent:
    """Load the step's component through kfp (names are checked by the caller)."""
    used = placeholders_used(step)
    params = tuple(name for group, name in used if group == "params")
    inputs = [{"name": identifier(p), "type": PARAMETER_TYPES[parameters[p].type]}
              for p in params]
    if ("item", "") in used:  # a ParallelFor item: kfp types it STRING
        inputs.append({"name": ITEM_INPUT, "type": "String"})
    inputs += [{"name": identifier(i.name), "type": "Artifact"} for i in step.inputs]
    outputs = [{"name": identifier(o), "type": "Artifact"} for o in step.outputs]
    # A result is an output parameter: kfp's launcher reads the file the step wrote.
    outputs += [{"name": identifier(r.name), "type": PARAMETER_TYPES[r.type]}
                for r in step.results]
    container = {"image": step.image,
                 "command": [_argument(a) for a in step.command],
                 "args": [_argument(a) for a in step.args]}
    spec: dict[str, Any] = {"name": step.name, "implementation": {"container": container}}
    if inputs:
        spec["inputs"] = inputs
    if outputs:
        spec["outputs"] = outputs
    return StepComponent(_load(json.dumps(spec, sort_keys=True)), params)


@lru_cache(maxsize=4096)
def _load(key: str) -> base_component.BaseComponent:
    # Like a hand-written pipeline module, load a component once per distinct container
    # spec and reuse it in every pipeline (kfp deep-copies what a task changes). The key is
    # the spec as JSON (cheap); kfp reads the spec as YAML made by a safe dumper, with
    # non-ASCII escaped: PyYAML writes a raw U+0085 that its own loader folds into a space.
    text = yaml.safe_dump(json.loads(key), sort_keys=True, allow_unicode=False)
    return components.load_component_from_text(text)


_KINDS = {"params": "inputValue", "inputs": "inputPath", "outputs": "outputPath",
          "results": "outputPath"}


def _argument(arg: str) -> str | dict[str, Any]:
    """A command/args item: a string, one placeholder, or a ``concat`` of both."""
    parts: list[str | dict[str, Any]] = []
    pos = 0
    for match in PLACEHOLDER.finditer(arg):
        if match.start() > pos:
            parts.append(arg[pos:match.start()])
        group, _, name = match.group(1).partition(".")
        parts.append({"inputValue": ITEM_INPUT} if group == "item"
                     else {_KINDS[group]: identifier(name)})
        pos = match.end()
    if pos < len(arg) or not parts:
        parts.append(arg[pos:])
    return parts[0] if len(parts) == 1 else {"concat": parts}
