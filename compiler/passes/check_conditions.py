"""Conditions on step results (`when:`): what they name, their types, what orchestrators hold.

Called by ``check_pipelines`` so that ``validate`` reports every finding, the orchestrator's
limits included (E211), not only ``compile``. A condition skips its step and every step
after it; :func:`gates` says which conditions each step runs under, for the checks here and
for the targets that nest or chain them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.spec.pipelines import Pipeline, Step

EXACT_NUMBERS = 2**53
"""KFP keeps numbers as float64 (protobuf ``NumberValue``): integers beyond this would be
compared rounded."""


def gates(upstream: Mapping[str, Sequence[str]], conditional: Iterable[str],
          order: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each step -> the conditional steps whose condition it runs under (its own included),
    in ``order`` (a topological order): a step after a skipped step is skipped too.

    >>> gates({"e": (), "d": ("e",), "n": ("d",), "x": ("e",)}, {"d"}, ["e", "d", "n", "x"])
    {'e': (), 'd': ('d',), 'n': ('d',), 'x': ()}
    """
    position = {name: i for i, name in enumerate(order)}
    own = set(conditional)
    found: dict[str, set[str]] = {}
    for name in order:  # upstream first; a step caught in a cycle (E302) sees fewer gates
        under = {name} if name in own else set()
        for before in upstream.get(name, ()):
            under |= found.get(before, set())
        found[name] = under
    return {name: tuple(sorted(under, key=position.__getitem__))
            for name, under in found.items()}


def crossing(chain: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, str]]:
    """Steps under two conditions neither of which is under the other -> those two.

    Kubeflow nests one ``dsl.If`` in another, so the conditions a step runs under must
    form one chain; Airflow's short-circuits need no such thing.

    >>> crossing({"a": ("a",), "b": ("b",), "c": ("a", "b")})
    {'c': ('a', 'b')}
    """
    found = {}
    for name, under in chain.items():
        for outer, inner in itertools.pairwise(under):
            if outer not in chain.get(inner, ()):
                found[name] = (outer, inner)
                break
    return found


def check_conditions(name: str, pipeline: Pipeline, bag: Diagnostics) -> None:
    """Every finding about the `when:` and `results:` of ``pipeline``'s steps."""
    from mlopsc.passes.check_pipelines import execution_order, step_upstream

    where = ("pipelines", name, "steps")
    steps = {step.name: step for step in pipeline.steps}
    index = {step.name: i for i, step in enumerate(pipeline.steps)}
    upstream = step_upstream(pipeline)
    for i, step in enumerate(pipeline.steps):
        _results(step, (*where, i), pipeline.orchestrator, bag)
        if step.when is not None:
            _condition(step, (*where, i, "when"), steps, upstream, pipeline.orchestrator, bag)
    if pipeline.orchestrator == "kubeflow":
        order = execution_order(pipeline)
        chain = gates(upstream, [s.name for s in pipeline.steps if s.when], order)
        for step_name, (outer, inner) in sorted(crossing(chain).items(),
                                                key=lambda item: index[item[0]]):
            bag.add("E211", f"step {step_name!r} runs after the conditions of steps {outer!r} "
                    f"and {inner!r}, neither of which runs after the other; Kubeflow nests one "
                    "condition (dsl.If) in another", path=(*where, index[step_name]),
                    hint=f"make {inner!r} run after {outer!r} (`after:`), or split the step")


def _results(step: Step, at: tuple[Any, ...], orchestrator: str, bag: Diagnostics) -> None:
    written = " ".join((*step.command, *step.args))
    for result in step.results:
        if f"$(results.{result})" not in written:
            bag.add("W567", f"step {step.name!r}: result {result!r} is declared but no "
                    f"argument holds $(results.{result}), the file it is written to",
                    path=(*at, "results", result), key=True,
                    hint=f"pass `$(results.{result})` in `args:` to the program that writes it")
    if orchestrator == "airflow" and len(step.results) > 1:
        bag.add("E211", f"step {step.name!r}: an Airflow step returns one value (its XCom, "
                f"the pod's /airflow/xcom/return.json); it declares {len(step.results)} "
                "results", path=(*at, "results"),
                hint="keep one result per step, e.g. a boolean `passed`")


def _condition(step: Step, at: tuple[Any, ...], steps: Mapping[str, Step],
               upstream: Mapping[str, Sequence[str]], orchestrator: str,
               bag: Diagnostics) -> None:
    when = step.when
    assert when is not None  # the caller checks
    if (when.equals is None) == (when.not_equals is None):
        bag.add("E210", f"step {step.name!r}: a condition needs exactly one of `equals` and "
                "`not_equals`", path=at, hint="e.g. `equals: true`")
        return
    producer = steps.get(when.step)
    if producer is None:  # resolve_refs reports it (E301)
        return
    if when.step not in _ancestors(step.name, upstream):
        later = step.name in _ancestors(when.step, upstream) or when.step == step.name
        bag.add("E210", f"step {step.name!r}: its condition reads a result of step "
                f"{when.step!r}, which does not run before it", path=(*at, "step"),
                hint=("a step cannot wait for a result of a step that waits for it" if later
                      else f"add `after: [{when.step}]`"))
        return
    kind = producer.results.get(when.result)
    if kind is None:  # resolve_refs reports it (E301)
        return
    key = "equals" if when.equals is not None else "not_equals"
    value = when.equals if when.equals is not None else when.not_equals
    problem = _type_problem(str(kind), value)
    if problem:
        article = "an" if kind == "integer" else "a"
        bag.add("E210", f"step {step.name!r}: result {when.step}.{when.result} is {article} "
                f"{kind}; {problem}", path=(*at, key), hint=_TYPE_HINTS[str(kind)])
    elif orchestrator == "kubeflow" and isinstance(value, str) and not kfp_string_ok(value):
        bag.add("E211", f"step {step.name!r}: Kubeflow writes a compared string into its "
                "condition (CEL) as it is; this one holds a quote, a backslash, '{{', a "
                "control or a non-ASCII character", path=(*at, key),
                hint="compare with a plain ASCII word, e.g. `equals: ok`")


_TYPE_HINTS = {"boolean": "write `true` or `false` without quotes",
               "integer": "write a whole number without quotes, e.g. `3`",
               "float": "write a number without quotes, e.g. `0.9`",
               "string": "quote the value, e.g. `equals: \"ok\"`"}


def _type_problem(kind: str, value: object) -> str | None:
    if kind == "boolean":
        return None if isinstance(value, bool) else f"{value!r} is not a boolean"
    if kind == "string":
        return None if isinstance(value, str) else f"{value!r} is not a string"
    number = int if kind == "integer" else int | float
    if isinstance(value, bool) or not isinstance(value, number):
        return f"{value!r} is not {'a whole number' if kind == 'integer' else 'a number'}"
    if abs(value) > EXACT_NUMBERS:
        return f"{value!r} is beyond ±2^53, where Kubeflow's numbers (float64) lose digits"
    return None


def kfp_string_ok(value: str) -> bool:
    """Whether ``value`` can stand in a KFP condition as kfp writes it: ``'VALUE'`` in CEL,
    unescaped, and beside its JSON encoding (``"VALUE"``, the text the step writes).

    >>> kfp_string_ok("passed"), kfp_string_ok("it's"), kfp_string_ok("{{x}}")
    (True, False, False)
    """
    return (value.isascii() and value.isprintable() and not any(c in value for c in "'\"\\")
            and "{{" not in value)


def _ancestors(name: str, upstream: Mapping[str, Sequence[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(upstream.get(name, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(upstream.get(current, ()))
    return seen
