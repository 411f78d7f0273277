"""Fan-out (a step's ``for_each``): what both orchestrators can run, reported at ``validate``.

A fanned-out step runs once per item of a ``list`` parameter: Kubeflow's ``dsl.ParallelFor``
over the parameter, Airflow's dynamic task mapping over it. Called by ``check_pipelines``.

- the parameter exists and is a ``list`` (E348);
- no later step reads an artifact of a fanned-out step: kfp hands loop outputs on only
  through ``dsl.Collected`` into Python components, and Airflow's runs would all write the
  same path, so an Airflow fanned-out step has no ``outputs`` at all (E348);
- a ``when`` condition or ``results`` on a fanned-out step are refused (E348): one run's
  result is not the step's result;
- ``$(item)`` only in a fanned-out step (E349), and a list parameter is read only through
  ``for_each`` (E348: Kubeflow would print it as JSON, Airflow as a Python list);
- an Airflow default longer than Airflow's ``max_map_length`` (W566).
"""

from __future__ import annotations

import difflib
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.spec.pipelines import ParameterType, Pipeline, Step

ITEM = "$(item)"
"""The placeholder for the item of a fanned-out step."""
AIRFLOW_MAX_MAP_LENGTH = 1024
"""Airflow's ``[core] max_map_length`` unless its deployment changes it."""


def check_fanout(name: str, pipeline: Pipeline, bag: Diagnostics) -> None:
    """Every finding about ``for_each`` and ``$(item)`` in pipeline ``name``."""
    where = ("pipelines", name)
    fanned = {step.name for step in pipeline.steps if step.for_each is not None}
    long_reported: set[str] = set()
    for i, step in enumerate(pipeline.steps):
        at = (*where, "steps", i)
        _whole_list(at, step, pipeline, bag)
        if step.for_each is None:
            _item_outside(at, step, bag)
            continue
        _source(at, step, pipeline, bag)
        _combinations(at, step, pipeline.orchestrator, bag)
        param = pipeline.parameters.get(step.for_each.parameter)
        if (pipeline.orchestrator == "airflow" and param is not None
                and isinstance(param.default, list)
                and len(param.default) > AIRFLOW_MAX_MAP_LENGTH
                and step.for_each.parameter not in long_reported):
            long_reported.add(step.for_each.parameter)
            bag.add("W566", f"parameter {step.for_each.parameter!r}: the default has "
                    f"{len(param.default)} items; Airflow maps at most "
                    f"{AIRFLOW_MAX_MAP_LENGTH} unless its max_map_length is raised",
                    path=(*where, "parameters", step.for_each.parameter, "default"))
    for i, step in enumerate(pipeline.steps):
        for local, source in sorted(step.inputs.items()):
            producer = source.partition(".")[0]
            if producer in fanned:
                bag.add("E348", f"step {step.name!r}: input {local!r} reads an artifact of "
                        f"fanned-out step {producer!r}, which runs once per item",
                        path=(*where, "steps", i, "inputs", local),
                        hint=f"wait for every run with `after: [{producer}]` and read what "
                             "the runs wrote from a store of your own")


def _whole_list(at: tuple[Any, ...], step: Step, pipeline: Pipeline, bag: Diagnostics) -> None:
    # Kubeflow would print a list input as JSON, Airflow as a Python list: no one text.
    lists = {k for k, v in pipeline.parameters.items() if v.type is ParameterType.list}
    for field in ("command", "args"):
        for j, arg in enumerate(getattr(step, field)):
            for name in sorted({n for n in lists if f"$(params.{n})" in arg}):
                bag.add("E348", f"step {step.name!r}: $(params.{name}) reads a list parameter "
                        "whole", path=(*at, field, j),
                        hint=f"fan out with `for_each: {{parameter: {name}}}` and use $(item)")


def _item_outside(at: tuple[Any, ...], step: Step, bag: Diagnostics) -> None:
    for field in ("command", "args"):
        for j, arg in enumerate(getattr(step, field)):
            if ITEM in arg:
                bag.add("E349", f"step {step.name!r}: $(item) in a step without `for_each`",
                        path=(*at, field, j))


def _source(at: tuple[Any, ...], step: Step, pipeline: Pipeline, bag: Diagnostics) -> None:
    assert step.for_each is not None  # the caller checks
    wanted = step.for_each.parameter
    path = (*at, "for_each", "parameter")
    param = pipeline.parameters.get(wanted)
    if param is None:
        lists = sorted(k for k, v in pipeline.parameters.items() if v.type is ParameterType.list)
        close = difflib.get_close_matches(wanted, lists, n=1)
        bag.add("E348", f"step {step.name!r}: fans out over {wanted!r}, which is not a "
                "parameter of the pipeline", path=path,
                hint=f"did you mean {close[0]!r}?" if close else
                "declare it: `parameters: {NAME: {type: list, default: [...]}}`")
    elif param.type is not ParameterType.list:
        bag.add("E348", f"step {step.name!r}: fans out over parameter {wanted!r} of type "
                f"{param.type.value}; it must be a list", path=path,
                hint="declare the parameter `type: list` with a list of strings as default")


def _combinations(at: tuple[Any, ...], step: Step, orchestrator: str,
                  bag: Diagnostics) -> None:
    if orchestrator == "airflow" and step.outputs:
        bag.add("E348", f"step {step.name!r}: a fanned-out Airflow step has no output "
                "artifacts (every run would write the same path)", path=(*at, "outputs"),
                hint="write per-item results to a store of your own, keyed by the item")
    # Conditions (``when``, ``results``) compare one result of one run: a fanned-out step
    # has one per item. Read with getattr: the fields belong to conditions.
    if getattr(step, "when", None) is not None:
        bag.add("E348", f"step {step.name!r}: a fanned-out step cannot have a `when` "
                "condition", path=(*at, "when"),
                hint="put `when` on a step this one waits for: skipping it skips this one")
    if getattr(step, "results", None):
        bag.add("E348", f"step {step.name!r}: a fanned-out step cannot write `results` "
                "(each run would write its own)", path=(*at, "results"))
