"""Pass: what a reviewer would catch by eye across sections."""

from __future__ import annotations

from mlopsc.diagnostics import Diagnostics
from mlopsc.spec import Spec
from mlopsc.values.units import parse_duration


def check_consistency(spec: Spec, bag: Diagnostics) -> None:
    _training_links(spec, bag)
    _analysis_slos(spec, bag)
    _feature_sources(spec, bag)
    _versions(spec, bag)
    _windows(spec, bag)


def _training_links(spec: Spec, bag: Diagnostics) -> None:
    for name, pipeline in spec.pipelines.items():
        model = spec.models.get(pipeline.outputs.model or "")
        trained_by = model.training.pipeline if model else None
        if model and trained_by and trained_by != name:
            bag.add("E319", f"pipeline {name!r} says it produces model "
                    f"{pipeline.outputs.model!r}, but that model names pipeline "
                    f"{trained_by!r} as its training pipeline",
                    path=("pipelines", name, "outputs", "model"))


def _analysis_slos(spec: Spec, bag: Diagnostics) -> None:
    for name, deployment in spec.deployments.items():
        analysis = deployment.rollout.analysis
        for i, slo in enumerate(analysis.slos if analysis else ()):
            owner = spec.slos[slo].deployment if slo in spec.slos else name
            if owner != name:
                bag.add("E319", f"SLO {slo!r} belongs to deployment {owner!r}, not {name!r}",
                        path=("deployments", name, "rollout", "analysis", "slos", i))


def _feature_sources(spec: Spec, bag: Diagnostics) -> None:
    for name, pipeline in spec.pipelines.items():
        read = {i.dataset for i in pipeline.inputs} | {t.dataset for t in pipeline.triggers}
        for i, feature_set in enumerate(pipeline.outputs.feature_sets):
            source = spec.features[feature_set].source if feature_set in spec.features else None
            if source is not None and source not in read:
                bag.add("W326", f"pipeline {name!r} says it produces feature set "
                        f"{feature_set!r}, but does not read its source dataset {source!r}",
                        path=("pipelines", name, "outputs", "feature_sets", i))


def _versions(spec: Spec, bag: Diagnostics) -> None:
    for name, deployment in spec.deployments.items():
        model = spec.models.get(deployment.model)
        if model is None:
            continue
        known = {model.version, *(h.version for h in model.history)}
        for field, version in (("version", deployment.version),
                               ("stable_version", deployment.rollout.stable_version)):
            if field == "stable_version" or version is None or version in known:
                continue
            bag.add("W324", f"model {deployment.model!r} has no version {version!r} (current: "
                    f"{model.version})", path=("deployments", name, field))


def _windows(spec: Spec, bag: Diagnostics) -> None:
    for name, slo in spec.slos.items():
        period = parse_duration(slo.period)
        if period is None or slo.alerting.tiers is None:
            continue
        for i, tier in enumerate(slo.alerting.tiers):
            window = parse_duration(tier.long_window)
            if window is not None and window > period:
                bag.add("E325", f"tier {tier.name!r}: window {tier.long_window} is longer than "
                        f"the SLO period {slo.period}",
                        path=("slos", name, "alerting", "tiers", i, "long_window"))
