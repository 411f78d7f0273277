"""Which objects a deployment becomes, by flavour, mode and strategy."""

from __future__ import annotations

from typing import Any

from mlopsc.render.promql import PromQLError
from mlopsc.targets.kubernetes import (
    analysis,
    autoscaling,
    checks,
    gateway,
    istio,
    kserve,
    monitoring,
    rollouts,
    shadow_gate,
    workloads,
)
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import canary_service, derived_name


def objects(ctx: Ctx) -> list[dict[str, Any]]:
    """Every object of the deployment (empty when the strategy cannot be expressed)."""
    d = ctx.d
    if not checks.strategy_supported(ctx) or not gateway.usable(ctx):
        return []
    if ctx.flavour == "kserve":
        checks.kserve_limits(ctx)
        # A scrape object, so the SLOs of a KServe deployment read data.
        return [kserve.inference_service(ctx), monitoring.kserve_metrics_service(ctx),
                monitoring.service_monitor(ctx)]
    if d.mode == "batch":
        return [workloads.cronjob(ctx), workloads.network_policy(ctx)]
    checks.min_replicas(ctx)
    strategy = d.rollout.strategy
    if strategy in ("canary", "blue-green"):
        found = _progressive(ctx)
    elif strategy == "shadow" and d.rollout.mirror_of is not None:
        found = _mirrored_candidate(ctx)
    elif strategy in ("shadow", "ab"):
        found = _side_by_side(ctx)
    else:
        found = _rolling(ctx)
    return [*found, monitoring.metrics_service(ctx), monitoring.service_monitor(ctx),
            workloads.network_policy(ctx)]


def _rolling(ctx: Ctx) -> list[dict[str, Any]]:
    d = ctx.d
    found = [workloads.deployment(ctx, d.name), workloads.service(ctx, d.name)]
    return found + _scaling(ctx, ("apps/v1", "Deployment", d.name), d.name)


def _scaling(ctx: Ctx, target: tuple[str, str, str], name: str,
             track: str | None = None) -> list[dict[str, Any]]:
    found = []
    if ctx.d.autoscaling is not None:
        found.append(autoscaling.hpa(ctx, name, target, track))
    budget = autoscaling.pdb(ctx, name, track)
    return found + ([budget] if budget else [])


def _templates(ctx: Ctx) -> list[dict[str, Any]]:
    try:
        verdict = shadow_gate.template(ctx)  # shadow before canary: its first step
        return analysis.templates(ctx, counted=ctx.d.rollout.strategy == "blue-green") + \
            ([verdict] if verdict else [])
    except PromQLError as error:
        ctx.bag.add("E536", f"deployment '{ctx.d.name}': cannot build the analysis queries: "
                            f"{error}", path=ctx.where("rollout"),
                    hint="SLI metrics and selector labels must be Prometheus names")
        return []


def _progressive(ctx: Ctx) -> list[dict[str, Any]]:
    d = ctx.d
    templates = _templates(ctx)
    second = canary_service(d) if d.rollout.strategy == "canary" \
        else rollouts.preview_service(d)
    found = [rollouts.rollout(ctx, templates), *templates, workloads.service(ctx, d.name),
             workloads.service(ctx, second)]
    if d.mode == "online":
        gw = gateway.selected(ctx)
        if d.rollout.strategy == "canary":
            found.append(gateway.canary(ctx, second) if gw else istio.canary(ctx, second))
        else:
            found.append(gateway.blue_green(ctx) if gw else istio.blue_green(ctx))
    return found + _scaling(ctx, (rollouts.API, "Rollout", d.name), d.name)


def _side_by_side(ctx: Ctx) -> list[dict[str, Any]]:
    """Shadow and A/B: the stable and the candidate version run side by side; Istio routes."""
    d = ctx.d
    checks.unenforced(ctx, f"the {d.rollout.strategy} strategy (static Istio routes)")
    stable_name, candidate = derived_name(d.name, "stable"), istio.candidate_service(ctx)
    stable_version = d.rollout.stable_version or d.version
    found = [
        workloads.deployment(ctx, stable_name, stable_version, "stable"),
        workloads.deployment(ctx, candidate, d.version, "candidate"),
        workloads.service(ctx, d.name, "stable"), workloads.service(ctx, candidate, "candidate"),
        _side_route(ctx),
    ]
    found += _scaling(ctx, ("apps/v1", "Deployment", stable_name), stable_name, "stable")
    return found + _scaling(ctx, ("apps/v1", "Deployment", candidate), candidate, "candidate")


def _mirrored_candidate(ctx: Ctx) -> list[dict[str, Any]]:
    """A shadow of another deployment: only the candidate runs; that deployment's route
    mirrors to it (istio.mirroring), so there is no second stable copy and no own route."""
    if not checks.mirror_target(ctx):
        return []
    checks.unenforced(ctx, "the shadow strategy (a mirror on another deployment's route)")
    candidate = istio.candidate_service(ctx)
    found = [workloads.deployment(ctx, candidate, ctx.d.version, "candidate"),
             workloads.service(ctx, candidate, "candidate")]
    return found + _scaling(ctx, ("apps/v1", "Deployment", candidate), candidate, "candidate")


def _side_route(ctx: Ctx) -> dict[str, Any]:
    """The shadow or A/B route, under the deployment's router (Istio or the Gateway API)."""
    gw = gateway.selected(ctx)
    if ctx.d.rollout.strategy == "shadow":
        return gateway.shadow(ctx) if gw else istio.shadow(ctx)
    header = checks.ab_header(ctx)
    return gateway.ab(ctx, header) if gw else istio.ab(ctx, header)
