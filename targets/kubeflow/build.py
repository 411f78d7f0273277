"""An IR pipeline as a kfp pipeline, compiled by ``kfp.compiler.Compiler`` into IR YAML.

The pipeline function is made at run time: its signature lists the pipeline parameters
(kfp reads names, types and defaults from it, and their descriptions from the docstring),
and its body creates one task per step in topological order, wiring artifacts from the
producing task's outputs. kfp then compiles it like any hand-written ``@dsl.pipeline``.
"""

from __future__ import annotations

import inspect
import os
import tempfile
from typing import Any

import kfp
from google.protobuf import json_format
from kfp import compiler, dsl
from kfp.compiler import pipeline_spec_builder as builder

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.targets.kubeflow import component, conditions, exit_handler, tasks
from mlopsc.targets.kubeflow.fanout import loop

PINNED_KFP = "2.17.0"
"""The kfp release whose stamp every output carries (pyproject.toml pins the same)."""


def compile_pipeline(p: ir.Pipeline, gpu_label: str, bag: Diagnostics,
                     notify_image: str = exit_handler.DEFAULT_IMAGE) -> str:
    """The KFP IR YAML of ``p`` as kfp's compiler writes it, its version stamp pinned."""
    parameters = {param.name: param for param in p.parameters}
    built = {step.id: component.build(step, parameters) for step in p.steps}

    # Python wants required parameters first; KFP keeps parameters by name, not position.
    ordered = sorted(p.parameters, key=lambda param: param.default is not None)

    def body(*values: Any) -> None:
        channels = dict(zip((param.name for param in ordered), values, strict=True))
        made: dict[str, dsl.PipelineTask] = {}
        handler = exit_handler.enter(p, notify_image)  # the steps run inside it, if any
        for step in conditions.scoped(p, made):  # inside the dsl.If groups it runs under
            with loop(step, channels) as item:  # a fanned-out step: inside ParallelFor
                task = _task(step, built[step.id], channels, made, p, item)
            tasks.configure(task, step, gpu_label, bag, p.image_pull_secrets)
            made[step.name] = task
        handler.close()

    # kfp reads the pipeline's parameters from the function's signature; mypy does not
    # model the settable __signature__ of a function.
    signature = inspect.Signature([_signature_parameter(param) for param in ordered])
    body.__signature__ = signature  # type: ignore[attr-defined]
    body.__doc__ = _docstring(p)
    body.__name__ = component.identifier(p.name)
    pipeline = dsl.pipeline(name=p.name, description=p.description)(body)
    return _safe_comments(_stamped(_compile(pipeline)), pipeline, p)


def _task(step: ir.Step, built: component.StepComponent, channels: dict[str, Any],
          made: dict[str, Any],
          p: ir.Pipeline, extra: dict[str, Any]) -> dsl.PipelineTask:
    arguments = {component.identifier(name): channels[name] for name in built.params}
    arguments.update(extra)  # the loop item of a fanned-out step
    for item in step.inputs:
        arguments[component.identifier(item.name)] = \
            made[item.step].outputs[component.identifier(item.output)]
    task = built.component(**arguments)
    # Ordering-only dependencies (``after``) that no artifact already implies.
    wired = {item.step for item in step.inputs}
    for upstream in step.upstream:
        if upstream not in wired:
            task.after(made[upstream])
    return task


def _signature_parameter(param: ir.Parameter) -> inspect.Parameter:
    default: Any = inspect.Parameter.empty if param.default is None else param.default
    if isinstance(default, tuple):  # a list parameter's default: kfp takes a list
        default = list(default)
    return inspect.Parameter(component.identifier(param.name),
                             inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             default=default, annotation=component.PYTHON_TYPES[param.type])


def _docstring(p: ir.Pipeline) -> str | None:
    """kfp takes parameter descriptions from a Google-style ``Args:`` section.

    The summary line is the pipeline's name: kfp uses it as the description only when the
    spec has none (the decorator's description wins).
    """
    described = [param for param in p.parameters if param.description]
    if not described:
        return None
    lines = [p.name, "", "Args:"]
    lines += [f"    {component.identifier(param.name)}: {' '.join(param.description.split())}"
              for param in described if param.description]
    return "\n".join(lines)


def _compile(pipeline: Any) -> str:  # a kfp GraphComponent (kfp is untyped)
    handle, path = tempfile.mkstemp(suffix=".yaml", prefix="mlopsc-kfp-")
    os.close(handle)
    try:
        compiler.Compiler().compile(pipeline, package_path=path)
        with open(path, encoding="utf-8", newline="") as stream:
            return stream.read()
    finally:
        os.unlink(path)


_YAML_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def _safe_comments(text: str, pipeline: Any, p: ir.Pipeline) -> str:
    """Drop kfp's comment block when a string default would break out of it.

    kfp lists parameter defaults in ``# Inputs:`` comments as they are; a line break in a
    string default would turn the rest of that default into YAML. The block is recomputed
    with kfp's own function, so exactly it (and nothing of the IR) is replaced.
    """
    if not any(isinstance(x.default, str) and any(b in x.default for b in _YAML_BREAKS)
               for x in p.parameters):
        return text
    spec = json_format.MessageToDict(pipeline.pipeline_spec)
    block = builder.extract_comments_from_pipeline_spec(spec, pipeline.description)
    if not text.startswith(block):
        raise RuntimeError("kfp output does not start with its comment block")
    note = ("# PIPELINE DEFINITION\n# Name: " + p.name + "\n"
            "# (parameter list left out: a string default spans lines)\n")
    return note + text[len(block):]


def _stamped(text: str) -> str:
    """Replace kfp's own version stamp with the pinned one (identical when kfp is pinned)."""
    actual = f"\nsdkVersion: kfp-{kfp.__version__}\n"
    if actual not in text:
        raise RuntimeError("kfp output has no sdkVersion line where expected")
    return text.replace(actual, f"\nsdkVersion: kfp-{PINNED_KFP}\n", 1)
