"""Conditions on step results as KFP ``dsl.If`` groups.

A step with ``when`` runs inside a ``dsl.If`` on its producer's output parameter, and every
step after it runs inside the same group (kfp refuses a task that depends on a task inside
a condition it is not inside, and a skipped step must skip what follows it). The groups
nest: ``validate`` refuses a step under two conditions that do not (E211), so each step's
conditions form one chain, outermost first, and each group's steps are created together.

A compared string is written as its JSON text (``"ok"``, the text the step writes to the
output file; kfp keeps a String output as written): kfp puts it into the CEL condition
between single quotes without escaping, so ``validate`` allows only strings that need none
(:func:`mlopsc.passes.check_conditions.kfp_string_ok`).
"""

from __future__ import annotations

import contextlib
import heapq
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kfp import dsl

from mlopsc import ir
from mlopsc.passes.check_conditions import gates, kfp_string_ok
from mlopsc.targets.kubeflow import component


def scoped(p: ir.Pipeline, made: Mapping[str, Any]) -> Iterator[ir.Step]:
    """``p``'s steps in an order that keeps each condition's steps together, each yielded
    inside the ``dsl.If`` groups it runs under; ``made`` maps step names to the tasks the
    caller has created so far (a group's condition reads a task created before it)."""
    upstream = {step.name: step.upstream for step in p.steps}
    chain = gates(upstream, [s.name for s in p.steps if s.when], [s.name for s in p.steps])
    steps = {step.name: step for step in p.steps}
    with contextlib.ExitStack() as outer:
        opened: list[tuple[str, contextlib.ExitStack]] = []
        for name in _arranged([s.name for s in p.steps], chain, upstream, 0):
            want = chain[name]
            keep = 0
            while keep < min(len(opened), len(want)) and opened[keep][0] == want[keep]:
                keep += 1
            while len(opened) > keep:  # leave groups the step is not in, innermost first
                opened.pop()[1].close()
            for gate in want[keep:]:
                stack = contextlib.ExitStack()
                stack.enter_context(dsl.If(_condition(steps[gate], made, steps)))
                opened.append((gate, stack))
                outer.callback(stack.close)
            yield steps[name]
        while opened:
            opened.pop()[1].close()


def _condition(step: ir.Step, made: Mapping[str, Any],
               steps: Mapping[str, ir.Step]) -> Any:  # a kfp ConditionOperation
    when = step.when
    assert when is not None  # only conditional steps open a group
    output = made[when.step].outputs[component.identifier(when.result)]
    value = operand(when.value, result_type(steps[when.step], when.result))
    return output != value if when.negate else output == value


def result_type(step: ir.Step, name: str) -> str:
    return next(r.type for r in step.results if r.name == name)


def operand(value: str | int | float | bool, kind: str) -> str | int | float | bool:
    """The value as kfp compares it with the output parameter: a string as the JSON text
    the step writes, a number as a number of the result's type.

    >>> operand("ok", "string"), operand(3, "float"), operand(True, "boolean")
    ('"ok"', 3.0, True)
    """
    if kind == "string":
        if not isinstance(value, str) or not kfp_string_ok(value):
            # validate refuses it (E211) before any target runs; kfp would write it into
            # the CEL condition unescaped.
            raise ValueError(f"{value!r} cannot be compared in a KFP condition")
        return json.dumps(value)
    if kind == "float" and not isinstance(value, bool):
        return float(value)
    return value


def _arranged(names: Sequence[str], chain: Mapping[str, tuple[str, ...]],
              upstream: Mapping[str, Sequence[str]], depth: int) -> list[str]:
    """``names`` (steps sharing their first ``depth`` conditions, in execution order) in an
    order that creates each deeper group's steps one after another: the groups and the
    steps at this depth are sorted topologically, first declared first."""
    items: dict[str, list[str]] = {}
    for name in names:
        key = name if len(chain[name]) == depth else "\0" + chain[name][depth]
        items.setdefault(key, []).append(name)
    item_of = {name: key for key, members in items.items() for name in members}
    first = {key: names.index(members[0]) for key, members in items.items()}
    waits = {key: {item_of[u] for n in members for u in upstream[n]
                   if u in item_of and item_of[u] != key} for key, members in items.items()}
    ready = [(first[key], key) for key, before in waits.items() if not before]
    heapq.heapify(ready)
    done: list[str] = []
    while ready:
        _, key = heapq.heappop(ready)
        done.append(key)
        for other, before in waits.items():
            if key in before:
                before.discard(key)
                if not before:
                    heapq.heappush(ready, (first[other], other))
    done += sorted(set(items) - set(done), key=first.__getitem__)  # a cycle: E302 said so
    out: list[str] = []
    for key in done:
        out += [key] if not key.startswith("\0") else _arranged(items[key], chain, upstream,
                                                                 depth + 1)
    return out
