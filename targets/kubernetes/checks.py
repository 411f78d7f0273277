"""What the Kubernetes target refuses or warns about, as diagnostics on the user's lines."""

from __future__ import annotations

from typing import Any

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.source import parse_path
from mlopsc.targets.kubernetes import gateway, istio
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import RESERVED_PREFIXES, label_key_ok, label_value

KSERVE_STRATEGIES = ("rolling", "canary")


def spec_labels(labels: dict[str, str], where: tuple[Any, ...], bag: Diagnostics) -> dict[str, str]:
    """The spec's labels that may go on objects: valid keys outside mlopsc's prefixes, values
    made valid (E530 / W531 / W532 otherwise)."""
    out = {}
    for key, value in sorted(labels.items()):
        at = (*where, key)
        if not label_key_ok(key):
            bag.add("E530", f"label key {key!r} is not a valid Kubernetes label key", path=at,
                    key=True)
        elif key.startswith(RESERVED_PREFIXES):
            bag.add("W531", f"label {key!r} is set by mlopsc; the spec's value is ignored",
                    path=at, key=True)
        else:
            out[key] = label_value(value)
            if out[key] != value:
                bag.add("W532", f"label {key!r}: value {value!r} is not a valid label value; "
                                f"written as {out[key]!r}", path=at)
    return out


def version_label(d: ir.Deployment, bag: Diagnostics) -> None:
    """W532 when the model version cannot be a label value as written."""
    for version, field in ((d.version, ("version",)),
                           (d.rollout.stable_version, ("rollout", "stable_version"))):
        if version is not None and label_value(version) != version:
            bag.add("W532", f"version {version!r} is not a valid label value; labels carry "
                            f"{label_value(version)!r}", path=(parse_path(d.path) or ()) + field)


def strategy_supported(ctx: Ctx) -> bool:
    """False (and E533) when the flavour or mode cannot express the strategy at all."""
    d, strategy = ctx.d, ctx.d.rollout.strategy
    if ctx.flavour == "kserve" and strategy not in KSERVE_STRATEGIES:
        reason = {"shadow": "KServe has no traffic mirroring",
                  "ab": "KServe cannot route by header or cookie",
                  "blue-green": "KServe has no preview/active switch"}[strategy]
        ctx.bag.add("E533", f"deployment '{d.name}': the kserve flavour cannot express the "
                            f"{strategy} strategy ({reason})",
                    path=ctx.where("rollout", "strategy"),
                    hint="use `flavour: deployment`, or the canary strategy")
        return False
    if d.mode == "streaming" and strategy in ("shadow", "ab"):
        ctx.bag.add("E533", f"deployment '{d.name}': a streaming deployment takes no requests, "
                            f"so the {strategy} strategy has nothing to route",
                    path=ctx.where("rollout", "strategy"))
        return False
    _shadow_fields(ctx)
    return True


def _shadow_fields(ctx: Ctx) -> None:
    """W561: a shadow that mirrors no live traffic; W562: ``mirror_of`` off a shadow."""
    d = ctx.d
    if d.rollout.strategy == "shadow" and d.rollout.mirror_of is None and d.mode == "online":
        ctx.bag.add("W561", f"deployment '{d.name}': the shadow mirrors only requests sent to "
                            f"'{d.name}' itself; no live traffic of another deployment is "
                            "mirrored", path=ctx.where("rollout", "strategy"),
                    hint="name the deployment clients call: `rollout: {mirror_of: NAME}`")
    elif d.rollout.strategy != "shadow" and d.rollout.mirror_of is not None:
        ctx.bag.add("W562", f"deployment '{d.name}': `mirror_of` applies to the shadow strategy "
                            f"only; the {d.rollout.strategy} strategy ignores it",
                    path=ctx.where("rollout", "mirror_of"),
                    hint="remove `mirror_of`, or use `strategy: shadow`")


def _mirror_problem(d: ir.Deployment, target: ir.Deployment | None) -> str | None:
    """Why ``target`` cannot be the deployment ``d`` mirrors (E343), or None."""
    if target is None:
        return "no such deployment"
    if target.name == d.name:
        return "a shadow cannot mirror itself"
    if target.rollout.strategy == "shadow":
        return "it is itself a shadow, which no client calls"
    if target.mode != "online":
        return f"it is a {target.mode} deployment, which takes no requests"
    if (target.environment, target.namespace) != (d.environment, d.namespace):
        return (f"it runs in environment {target.environment!r}, namespace "
                f"{target.namespace!r}; the shadow in {d.environment!r}, {d.namespace!r}")
    return None


def _route_problem(ctx: Ctx, target: ir.Deployment) -> str | None:
    """Why ``target``'s route cannot carry the mirror (E344), or None."""
    if (ctx.settings.flavour or target.flavour) == "kserve":
        return "it is served by KServe, which has no traffic mirroring"
    if target.rollout.strategy == "rolling":
        return "a rolling deployment has no route (no VirtualService or HTTPRoute)"
    return None


def mirror_target(ctx: Ctx) -> bool:
    """The deployment ``mirror_of`` names can carry the mirror: E343 / E344 otherwise."""
    d, name = ctx.d, ctx.d.rollout.mirror_of
    target = next((t for t in ctx.ir.deployments if t.name == name), None)
    problem = _mirror_problem(d, target)
    if problem is None and target is not None and istio.mirroring(
            Ctx(d=target, ir=ctx.ir, settings=ctx.settings, bag=ctx.bag)) is not d:
        problem = "another shadow (first by name) already mirrors it; a route has one mirror"
    if problem is not None:
        ctx.bag.add("E343", f"deployment '{d.name}': cannot mirror '{name}': {problem}",
                    path=ctx.where("rollout", "mirror_of"),
                    hint="name an online deployment of the same environment and namespace "
                         "that clients call")
        return False
    route = _route_problem(ctx, target) if target is not None else None
    if route is not None:
        ctx.bag.add("E344", f"deployment '{d.name}': '{name}' cannot carry the mirror: {route}",
                    path=ctx.where("rollout", "mirror_of"),
                    hint="mirror a deployment with `flavour: deployment` and the canary, "
                         "blue-green or ab strategy")
        return False
    if target is not None and target.traffic.router == "gateway-api":
        return gateway.mirror_expressible(ctx, target.name)
    return True


def kserve_limits(ctx: Ctx) -> None:
    """What a KServe canary loses: later steps, raw mode's traffic split, analysis."""
    d = ctx.d
    if d.rollout.strategy == "canary":
        if ctx.settings.kserve_mode == "raw":
            ctx.bag.add("W534", f"deployment '{d.name}': KServe's raw deployment mode ignores "
                                "canaryTrafficPercent; the new version takes all traffic at once",
                        path=ctx.where("rollout", "steps"), hint="use the serverless mode")
        elif len(d.rollout.steps) > 1:
            ctx.bag.add("W534", f"deployment '{d.name}': KServe holds one canaryTrafficPercent; "
                                f"only the first step ({d.rollout.steps[0].weight}%) is written, "
                                "later steps are manual edits", path=ctx.where("rollout", "steps"))
    unenforced(ctx, "the kserve flavour")


def unenforced(ctx: Ctx, what: str) -> None:
    """W539: an analysis that no controller will run.

    Rollback triggers are not warned about: DEP-006 requires them on every production
    deployment whatever its strategy, so such a warning could not be fixed in the spec;
    docs/targets/kubernetes.md says what they do where no controller acts on them.
    """
    if ctx.d.rollout.analysis is not None:
        ctx.bag.add("W539", f"deployment '{ctx.d.name}': {what} has no analysis controller, so "
                            "`analysis` is not run (the prometheus target still alerts on the "
                            "SLOs)", path=ctx.where("rollout", "analysis"),
                    hint="remove `analysis:`, or use the canary or blue-green strategy with "
                         "`flavour: deployment` (Argo Rollouts runs the analysis)")


def ab_header(ctx: Ctx) -> str | None:
    """The A/B header as Istio wants it; E538 when it is no HTTP header name."""
    match = ctx.d.rollout.match
    if match is None or match.header is None:
        return None
    name = istio.header_name(match.header)
    if name is None:
        ctx.bag.add("E538", f"deployment '{ctx.d.name}': {match.header!r} is not an HTTP "
                            "header name", path=ctx.where("rollout", "match", "header"),
                    hint="letters, digits and -, e.g. x-experiment-group")
    return name


def min_replicas(ctx: Ctx) -> None:
    scaling = ctx.d.autoscaling
    if ctx.flavour != "kserve" and scaling is not None and scaling.min_replicas == 0:
        ctx.bag.add("W537", f"deployment '{ctx.d.name}': a HorizontalPodAutoscaler cannot "
                            "scale to zero; minReplicas is 1",
                    path=ctx.where("autoscaling", "min_replicas"),
                    hint="use `flavour: kserve` (serverless) to scale to zero")
