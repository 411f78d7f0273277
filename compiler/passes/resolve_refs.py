"""Pass: every reference in the spec names something the spec defines."""

from __future__ import annotations

import difflib
from collections.abc import Collection

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path
from mlopsc.spec import Spec
from mlopsc.spec.pipelines import Condition, Pipeline

IMPLICIT_ENVIRONMENTS = ("dev", "staging", "prod")


def environment_names(spec: Spec) -> list[str]:
    """Declared environments, or the implicit dev/staging/prod when none are declared."""
    return sorted(spec.environments) or list(IMPLICIT_ENVIRONMENTS)


def resolve_refs(spec: Spec, bag: Diagnostics) -> None:
    """Report references that do not resolve, each with the closest defined name.

    A reference to an entity that exists but was left out of ``spec`` for its schema errors
    (see :func:`mlopsc.passes.parse_spec.parse_spec`) is not reported: those errors say why.
    """
    from mlopsc.passes.lower import broken_entities

    check = _Checker(bag, broken_entities(bag))
    for name, feature_set in spec.features.items():
        base = ("features", name)
        if check.ref(feature_set.source, spec.datasets, base + ("source",), "dataset"):
            fields = [f.name for f in spec.datasets[feature_set.source].fields]
            check.ref(feature_set.entity, fields, base + ("entity",), "field")
            for i, feature in enumerate(feature_set.features):
                check.ref(feature, fields, base + ("features", i), "field")
    for name, dataset in spec.datasets.items():
        fields = [f.name for f in dataset.fields]
        if dataset.freshness and dataset.freshness.timestamp_field:
            check.ref(dataset.freshness.timestamp_field, fields,
                      ("datasets", name, "freshness", "timestamp_field"), "field")
        for i, q in enumerate(dataset.quality):
            if q.field is not None:
                check.ref(q.field, fields, ("datasets", name, "quality", i, "field"), "field")
    for name in spec.pipelines:
        _pipeline(spec, name, check)
    for name in spec.models:
        _model(spec, name, check)
    for name in spec.deployments:
        _deployment(spec, name, check)
    for name, slo in spec.slos.items():
        check.ref(slo.deployment, spec.deployments, ("slos", name, "deployment"), "deployment")
    for name in spec.monitors:
        _monitor(spec, name, check)


_SECTION_OF = {"dataset": "datasets", "feature set": "features", "pipeline": "pipelines",
               "model": "models", "deployment": "deployments", "SLO": "slos",
               "monitor": "monitors", "environment": "environments"}


class _Checker:
    def __init__(self, bag: Diagnostics, broken: Collection[tuple[str, str]] = ()) -> None:
        self.bag = bag
        self.broken = broken

    def ref(self, value: str, defined: Collection[str], path: Path, what: str) -> bool:
        if value in defined:
            return True
        if (_SECTION_OF.get(what), value) in self.broken:
            return False  # defined, but left out for its own errors
        guess = difflib.get_close_matches(value, sorted(defined), n=1, cutoff=0.6)
        if guess:
            hint = f"did you mean '{guess[0]}'?"
        elif defined:
            hint = f"defined: {', '.join(sorted(defined)[:8])}"
        else:
            hint = f"no {what} is defined"
        self.bag.add("E301", f"{what} {value!r} is not defined", path=path, hint=hint)
        return False


def _pipeline(spec: Spec, name: str, check: _Checker) -> None:
    pipeline = spec.pipelines[name]
    base = ("pipelines", name)
    for i, item in enumerate(pipeline.inputs):
        check.ref(item.dataset, spec.datasets, base + ("inputs", i, "dataset"), "dataset")
    for i, trigger in enumerate(pipeline.triggers):
        if trigger.dataset is not None:
            check.ref(trigger.dataset, spec.datasets, base + ("triggers", i, "dataset"),
                      "dataset")
        if trigger.monitor is not None:
            check.ref(trigger.monitor, spec.monitors, base + ("triggers", i, "monitor"),
                      "monitor")
    if pipeline.outputs.model is not None:
        check.ref(pipeline.outputs.model, spec.models, base + ("outputs", "model"), "model")
    for i, feature_set in enumerate(pipeline.outputs.feature_sets):
        check.ref(feature_set, spec.features, base + ("outputs", "feature_sets", i),
                  "feature set")
    outputs = {step.name: set(step.outputs) for step in pipeline.steps}
    for i, step in enumerate(pipeline.steps):
        for j, after in enumerate(step.after):
            check.ref(after, outputs, base + ("steps", i, "after", j), "step")
        for local, source in step.inputs.items():
            path = base + ("steps", i, "inputs", local)
            producer, _, output = source.partition(".")
            if not output:
                check.bag.add("E301", f"input {local!r} must name STEP.OUTPUT, not {source!r}",
                              path=path, hint="e.g. `prepare.features`")
            elif check.ref(producer, outputs, path, "step") and output not in outputs[producer]:
                declared = ", ".join(sorted(outputs[producer])) or "none"
                check.bag.add("E301", f"step {producer!r} has no output {output!r}", path=path,
                              hint=f"its outputs: {declared}")
        if step.when is not None:
            _condition(pipeline, step.when, base + ("steps", i, "when"), check)


def _condition(pipeline: Pipeline, when: Condition, path: Path, check: _Checker) -> None:
    results = {step.name: step.results for step in pipeline.steps}
    if check.ref(when.step, results, path + ("step",), "step") \
            and when.result not in results[when.step]:
        declared = ", ".join(sorted(results[when.step])) or "none"
        check.bag.add("E301", f"step {when.step!r} has no result {when.result!r}",
                      path=path + ("result",), hint=f"its results: {declared}")


def _model(spec: Spec, name: str, check: _Checker) -> None:
    training = spec.models[name].training
    base = ("models", name, "training")
    if training.pipeline is not None:
        check.ref(training.pipeline, spec.pipelines, base + ("pipeline",), "pipeline")
    for i, item in enumerate(training.datasets):
        check.ref(item.dataset, spec.datasets, base + ("datasets", i, "dataset"), "dataset")
    for i, feature_set in enumerate(training.feature_sets):
        check.ref(feature_set, spec.features, base + ("feature_sets", i), "feature set")


def _deployment(spec: Spec, name: str, check: _Checker) -> None:
    deployment = spec.deployments[name]
    base = ("deployments", name)
    check.ref(deployment.model, spec.models, base + ("model",), "model")
    check.ref(deployment.environment, environment_names(spec), base + ("environment",),
              "environment")
    rollout = deployment.rollout
    if rollout.analysis is not None:
        for i, slo in enumerate(rollout.analysis.slos):
            check.ref(slo, spec.slos, base + ("rollout", "analysis", "slos", i), "SLO")
    for i, trigger in enumerate(rollout.rollback):
        path = base + ("rollout", "rollback", i)
        if trigger.slo is not None:
            check.ref(trigger.slo, spec.slos, path + ("slo",), "SLO")
        if trigger.monitor is not None:
            check.ref(trigger.monitor, spec.monitors, path + ("monitor",), "monitor")


def _monitor(spec: Spec, name: str, check: _Checker) -> None:
    monitor = spec.monitors[name]
    base = ("monitors", name)
    if monitor.deployment is not None:
        check.ref(monitor.deployment, spec.deployments, base + ("deployment",), "deployment")
    fields: list[str] | None = None
    if monitor.dataset is not None:
        if check.ref(monitor.dataset, spec.datasets, base + ("dataset",), "dataset"):
            fields = [f.name for f in spec.datasets[monitor.dataset].fields]
    elif monitor.deployment in spec.deployments:
        model = spec.models.get(spec.deployments[monitor.deployment].model)
        if model is not None and model.input_schema:
            fields = [f.name for f in model.input_schema]
    if fields is None:
        return
    for i, feature in enumerate(monitor.features):
        feature_name = feature if isinstance(feature, str) else feature.name
        path = base + ("features", i) + (() if isinstance(feature, str) else ("name",))
        check.ref(feature_name, fields, path, "field")
