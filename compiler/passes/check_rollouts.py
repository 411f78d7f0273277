"""Pass: settings that must fit together: a deployment's mode and rollout strategy, an SLO's
SLI, a pipeline's triggers, minimums below maximums (the one home of E312, E313 and W565)."""

from __future__ import annotations

from mlopsc.diagnostics import Diagnostics
from mlopsc.source import Path
from mlopsc.spec import Spec
from mlopsc.spec.deployments import Deployment, Mode, RollbackOn, Rollout, Strategy
from mlopsc.spec.observability import SliType, Slo
from mlopsc.spec.pipelines import Trigger, TriggerType
from mlopsc.values.units import parse_duration

# settings that belong to one strategy only
_STRATEGY_FIELDS = {
    "steps": Strategy.canary,
    "mirror_percent": Strategy.shadow,
    "match": Strategy.ab,
    "candidate_weight": Strategy.ab,
    "auto_promote": Strategy.blue_green,
    "scale_down_delay": Strategy.blue_green,
    "rollback_window": Strategy.blue_green,
}
_ROLLBACK_NEEDS = {RollbackOn.slo_breach: "slo", RollbackOn.drift: "monitor",
                   RollbackOn.error_rate: "threshold", RollbackOn.latency: "threshold"}


def check_rollouts(spec: Spec, bag: Diagnostics) -> None:
    for name, deployment in spec.deployments.items():
        base = ("deployments", name)
        _mode(deployment, base, bag)
        _strategy(deployment.rollout, base + ("rollout",), bag)
        if deployment.autoscaling is not None:
            scaling = deployment.autoscaling
            if scaling.min_replicas > scaling.max_replicas:
                bag.add("E313", f"min_replicas {scaling.min_replicas} is above max_replicas "
                        f"{scaling.max_replicas}", path=base + ("autoscaling", "min_replicas"))
    for name, slo in spec.slos.items():
        _slo(name, slo, bag)
    for name, pipeline in spec.pipelines.items():
        _triggers(name, pipeline.triggers, bag)
    for name, dataset in spec.datasets.items():
        for i, field in enumerate(dataset.fields):
            if field.min is not None and field.max is not None and field.min > field.max:
                bag.add("E313", f"field {field.name!r}: min {field.min} is above max {field.max}",
                        path=("datasets", name, "fields", i, "min"))
        volume = dataset.volume
        if volume and volume.min_rows is not None and volume.max_rows is not None \
                and volume.min_rows > volume.max_rows:
            bag.add("E313", f"min_rows {volume.min_rows} is above max_rows {volume.max_rows}",
                    path=("datasets", name, "volume", "min_rows"))


def _mode(deployment: Deployment, base: Path, bag: Diagnostics) -> None:
    if deployment.mode == Mode.batch:
        if deployment.schedule is None:
            bag.add("E318", "a batch deployment needs a `schedule`", path=base + ("mode",))
        if deployment.autoscaling is not None:
            bag.add("E318", "a batch deployment cannot autoscale", path=base + ("autoscaling",))
        if deployment.rollout.strategy != Strategy.rolling:
            bag.add("E318", f"a batch deployment cannot use the "
                    f"{deployment.rollout.strategy.value} strategy",
                    path=base + ("rollout", "strategy"))
    elif deployment.schedule is not None:
        bag.add("E318", f"an {deployment.mode.value} deployment has no `schedule`",
                path=base + ("schedule",), hint="use `mode: batch` for scheduled scoring")
    if deployment.replicas is not None and deployment.autoscaling is not None:
        bag.add("E312", "set either `replicas` or `autoscaling`, not both",
                path=base + ("replicas",))


def _strategy(rollout: Rollout, base: Path, bag: Diagnostics) -> None:
    strategy = rollout.strategy
    for field, owner in _STRATEGY_FIELDS.items():
        if field in rollout.model_fields_set and strategy != owner:
            bag.add("E312", f"`{field}` belongs to the {owner.value} strategy, not "
                    f"{strategy.value}", path=base + (field,), key=True)
    if strategy == Strategy.canary:
        _canary_steps(rollout, base, bag)
    elif strategy == Strategy.shadow:
        percent = rollout.mirror_percent
        if percent is None:
            bag.add("E312", "the shadow strategy needs `mirror_percent`", path=base)
        elif not 0 < percent <= 100:
            bag.add("E307", f"mirror_percent {percent} is not within (0, 100]",
                    path=base + ("mirror_percent",))
    elif strategy == Strategy.ab:
        _ab(rollout, base, bag)
    elif strategy == Strategy.blue_green:
        _watch(rollout, base, bag)
    for i, trigger in enumerate(rollout.rollback):
        needed = _ROLLBACK_NEEDS[trigger.type]
        if getattr(trigger, needed) is None:
            bag.add("E312", f"a rollback on {trigger.type.value} needs `{needed}`",
                    path=base + ("rollback", i))


def _canary_steps(rollout: Rollout, base: Path, bag: Diagnostics) -> None:
    if not rollout.steps:
        bag.add("E312", "the canary strategy needs `steps`", path=base + ("strategy",))
    previous = 0
    for i, step in enumerate(rollout.steps):
        path = base + ("steps", i, "weight")
        if not 1 <= step.weight <= 100:
            bag.add("E307", f"canary weight {step.weight} is not between 1 and 100", path=path)
        elif step.weight <= previous:
            bag.add("E306", f"canary weight {step.weight} does not rise above the previous "
                    f"step's {previous}", path=path)
        previous = max(previous, step.weight)


def _watch(rollout: Rollout, base: Path, bag: Diagnostics) -> None:
    """W565: a scale-down delay shorter than the rollback window.

    Argo Rollouts' blue-green docs (features/bluegreen.md, `postPromotionAnalysis`): "If
    `scaleDownDelaySeconds` is specified, the controller will cancel any AnalysisRuns at time
    of `scaleDownDelay` to scale down the ReplicaSet. If it is omitted, and post analysis is
    specified, it will scale down the ReplicaSet only after the AnalysisRun completes". (The
    controller's code keeps the old ReplicaSet as the stable one until the analysis succeeds,
    argoproj/argo-rollouts#955; the warning follows the documented contract, which a
    controller may enforce.)
    """
    if rollout.scale_down_delay is None or not any(
            t.type != RollbackOn.drift for t in rollout.rollback):
        return  # no delay: the old version waits for the analysis; no triggers: no analysis
    delay, window = parse_duration(rollout.scale_down_delay), \
        parse_duration(rollout.rollback_window)
    if delay is not None and window is not None and delay < window:
        bag.add("W565", f"scale_down_delay {rollout.scale_down_delay} is shorter than the "
                f"rollback window {rollout.rollback_window}: the old version may be scaled "
                "down (and the rollback triggers' analysis ended) before the window is over",
                path=base + ("scale_down_delay",),
                hint=f"leave `scale_down_delay` out, or make it at least "
                     f"{rollout.rollback_window}")


def _ab(rollout: Rollout, base: Path, bag: Diagnostics) -> None:
    match = rollout.match
    if match is None and rollout.candidate_weight is None:
        bag.add("E312", "the ab strategy needs `match` or `candidate_weight`", path=base)
    if match is not None and (match.header is None) == (match.cookie is None):
        bag.add("E312", "`match` needs exactly one of `header` or `cookie`",
                path=base + ("match",))
    weight = rollout.candidate_weight
    if weight is not None and not 0 <= weight <= 100:
        bag.add("E307", f"candidate_weight {weight} is not between 0 and 100",
                path=base + ("candidate_weight",))


def _slo(name: str, slo: Slo, bag: Diagnostics) -> None:
    base = ("slos", name)
    if not 0 < slo.objective < 100:
        bag.add("E308", f"objective {slo.objective} is not strictly between 0 and 100",
                path=base + ("objective",))
    sli = slo.sli
    if sli.type == SliType.latency and sli.threshold is None:
        bag.add("E312", "a latency SLI needs `threshold` (seconds)", path=base + ("sli",))
    if sli.type != SliType.latency:
        if sli.threshold is not None:
            bag.add("E312", f"`threshold` belongs to latency SLIs, not {sli.type.value}",
                    path=base + ("sli", "threshold"), key=True)
        if not sli.error_selector:
            bag.add("E312", f"a {sli.type.value} SLI needs `error_selector`",
                    path=base + ("sli",))


def _triggers(name: str, triggers: list[Trigger], bag: Diagnostics) -> None:
    for i, trigger in enumerate(triggers):
        path = ("pipelines", name, "triggers", i)
        if trigger.type == TriggerType.data_change and trigger.dataset is None:
            bag.add("E312", "a data_change trigger needs `dataset`", path=path)
        if trigger.type in (TriggerType.drift, TriggerType.performance) and not trigger.monitor:
            bag.add("E312", f"a {trigger.type.value} trigger needs `monitor`", path=path)
