"""Fan-out (a step's ``for_each``) as ``dsl.ParallelFor`` over the list parameter.

The step's task is made inside ``with dsl.ParallelFor(items=<parameter channel>,
parallelism=N) as item:``; kfp compiles that into a ``for-loop-K`` sub-DAG whose
``parameterIterator`` iterates the pipeline parameter (``iteratorPolicy.parallelismLimit``
N). The component reads the item through its input ``item`` (``$(item)`` in command and
args), which kfp types ``STRING``: a list parameter holds strings (E332 otherwise). A step
after a fanned-out one waits for every iteration (kfp makes it depend on the loop); no step
reads a fanned-out step's artifacts (E348 at ``validate``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from kfp import dsl

from mlopsc import ir

ITEM_INPUT = "item"
"""The component input that carries the item (``$(item)``)."""


@contextlib.contextmanager
def loop(step: ir.Step, channels: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Inside: the extra task arguments of ``step`` (``{"item": <loop item>}`` when it fans
    out and reads ``$(item)``, else nothing); a fanned-out step's task is made in here."""
    if step.for_each is None:
        yield {}
        return
    # kfp reads parallelism 0 as "no limit" and then writes no iteratorPolicy.
    with dsl.ParallelFor(items=channels[step.for_each.parameter],
                         parallelism=step.for_each.parallelism or 0) as item:
        yield {ITEM_INPUT: item} if uses_item(step) else {}


def uses_item(step: ir.Step) -> bool:
    """Whether ``$(item)`` is in the step's command or args."""
    return any("$(item)" in arg for arg in (*step.command, *step.args))
