"""Spec text that the KFP backend would substitute at run time, refused with E518.

Three layers of a KFP v2 run rewrite ``{{...}}`` in what the compiled IR carries, and none
of them has an escape:

- the driver (``backend/src/v2/driver/util.go``) replaces every
  ``{{$.inputs.parameters['NAME']}}`` in a container's command and args (the run fails when
  NAME is not an input), and parses an argument starting ``{"IfPresent":`` as a condition;
- the launcher (``backend/src/v2/component/launcher_v2.go``) replaces ``{{$}}`` with the
  whole executor input as JSON and the exact keys ``{{$.inputs.artifacts['X'].path}}``,
  ``{{$.outputs.artifacts['X'].uri}}``, ``{{$.outputs.parameters['X'].output_file}}`` ...
  with ``strings.ReplaceAll``;
- the IR is run by Argo Workflows, whose workflow carries the component, container, task
  and Kubernetes settings as JSON argument values, and Argo substitutes its own
  ``{{workflow.name}}``-style tags and evaluates ``{{=expression}}`` in them.

So a spec string holding ``{{`` cannot be carried literally into a Kubeflow pipeline, and
the target refuses it at the spec's line instead of compiling a pipeline whose pods would
see other text. ``$(params.X)`` (mlopsc's own placeholder syntax) is how a value chosen at
run time is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mlopsc import ir
from mlopsc.passes.check_pipelines import PLACEHOLDER
from mlopsc.source import entity_path

MARKER = "{{"
_JSON_CLAUSE = re.compile(r'\s*\{\s*"(Concat|IfPresent)"')


def refused(p: ir.Pipeline) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(spec path, what) of every spec string of ``p`` that the KFP backend would rewrite."""
    where = entity_path(p.path)
    if _marked(p.description):
        yield where + ("description",), "the pipeline description"
    for param in p.parameters:
        at = where + ("parameters", param.name)
        if isinstance(param.default, str) and _marked(param.default):
            yield at + ("default",), f"the default of parameter {param.name!r}"
        if isinstance(param.default, tuple):  # a list: its items reach args (fan-out)
            for i, item in enumerate(param.default):
                if _marked(item):
                    yield at + ("default", i), f"item {i} of the default of {param.name!r}"
        if _marked(param.description):
            yield at + ("description",), f"the description of parameter {param.name!r}"
    notice = p.on_failure
    if notice is not None and (_marked(notice.webhook) or _marked(notice.secret_key)):
        yield where + ("notify", "on_failure"), "the failure notice's Secret"
    for step in p.steps:
        yield from _step(step)


def _step(step: ir.Step) -> Iterator[tuple[tuple[Any, ...], str]]:
    at = entity_path(step.path)
    for field in ("image", "display_name", "description"):
        if _marked(getattr(step, field)):
            yield at + (field,), f"step {step.name!r}: {field}"
    for field in ("command", "args"):
        for index, arg in enumerate(getattr(step, field)):
            if literal_is_substituted(arg):
                yield at + (field, index), f"step {step.name!r}: {field}[{index}]"
    for env in step.env:
        if any(_marked(text) for text in (env.name, env.value, env.secret, env.secret_key)):
            yield at + ("env", env.name), f"step {step.name!r}: env {env.name!r}"
    for key, value in step.node_selector.items():
        if _marked(key) or _marked(value):
            yield at + ("node_selector", key), f"step {step.name!r}: node selector {key!r}"
    if step.resources is not None and _marked(step.resources.gpu_type):
        yield at + ("resources", "gpu", "type"), f"step {step.name!r}: GPU type"
    if step.affinity is not None and _affinity_marked(step.affinity):
        yield at + ("affinity",), f"step {step.name!r}: affinity"


def _affinity_marked(a: ir.Affinity) -> bool:
    matches = (*a.required, *(m for term in a.preferred for m in term.match))
    return any(_marked(m.key) or any(_marked(v) for v in m.values) for m in matches)


def literal_is_substituted(arg: str) -> bool:
    """Whether the literal text of a command/args item (around mlopsc's ``$(...)``
    placeholders) holds ``{{``, or the whole item has the shape of a KFP JSON clause.

    >>> literal_is_substituted("{{$.inputs.parameters['x']}}"), literal_is_substituted("a}}")
    (True, False)
    >>> literal_is_substituted('{"IfPresent": {}}'), literal_is_substituted("$(params.x)")
    (True, False)
    """
    literal = PLACEHOLDER.split(arg)[::2]
    whole = not PLACEHOLDER.search(arg) and _JSON_CLAUSE.match(arg) is not None
    return whole or any(MARKER in part for part in literal)


def _marked(text: str | None) -> bool:
    return text is not None and MARKER in text
