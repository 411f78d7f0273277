"""Istio traffic: a VirtualService per online deployment that splits, mirrors or matches.

- canary: route ``primary`` to the stable Service (100) and the canary Service (0); Argo
  Rollouts changes the weights at each step;
- blue-green: every request to the active Service, which Argo switches on promotion;
- shadow with ``mirror_of``: no route of its own; the route of the deployment it mirrors
  (its ``primary`` route, which Argo Rollouts re-weights for a canary and otherwise leaves
  as written) copies ``mirrorPercentage`` of the live requests to the shadow's candidate
  Service, whose answers Istio discards: it never answers users;
- shadow without ``mirror_of`` (standalone, W561): every request to the shadow's own stable
  Service, and ``mirrorPercentage`` of them copied to its candidate;
- ab: requests whose header or cookie matches go to the candidate; the others split by
  ``candidate_weight``.

Services are per track, so no DestinationRule subsets are needed. A header name from the
spec becomes a match key only after :func:`header_name` accepted it.

>>> cookie_regex("group", "v4.1")
'^(.*;\\\\s*)?group=v4\\\\.1(;.*)?$'
"""

from __future__ import annotations

import re
from typing import Any

from mlopsc import ir
from mlopsc.render.promql import number, regex_literal
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.meta import derived_name

API = "networking.istio.io/v1"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")


def header_name(name: str) -> str | None:
    """The lower-case header name (Istio requires it), or None if it is no HTTP token."""
    lowered = name.lower()
    return lowered if _TOKEN.fullmatch(lowered) else None


def cookie_regex(cookie: str, value: str) -> str:
    """An RE2 pattern for a ``Cookie`` header holding exactly ``cookie=value``."""
    return f"^(.*;\\s*)?{regex_literal(cookie)}={regex_literal(value)}(;.*)?$"


def candidate_service(ctx: Ctx) -> str:
    return derived_name(ctx.d.name, "candidate")


def _destination(ctx: Ctx, host: str, weight: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"destination": {"host": host, "port": {"number": ctx.d.port}}}
    if weight is not None:
        out["weight"] = weight
    return out


def mirroring(ctx: Ctx) -> ir.Deployment | None:
    """The shadow deployment that mirrors this deployment's live traffic (the first by name
    when several claim it; checks.mirror_of reports the others)."""
    if ctx.d.rollout.strategy == "shadow":
        return None
    found = sorted((s for s in ctx.ir.deployments if s.rollout.strategy == "shadow"
                    and s.rollout.mirror_of == ctx.d.name
                    and s.environment == ctx.d.environment and s.name != ctx.d.name),
                   key=lambda s: s.name)
    return found[0] if found else None


def _with_mirror(ctx: Ctx, route: dict[str, Any]) -> dict[str, Any]:
    """``route`` plus the mirror to the candidate of the shadow that mirrors this deployment."""
    shadow_d = mirroring(ctx)
    if shadow_d is None:
        return route
    percent = shadow_d.rollout.mirror_percent or 0.0
    return {**route,
            "mirror": {"host": derived_name(shadow_d.name, "candidate"),
                       "port": {"number": shadow_d.port}},
            "mirrorPercentage": {"value": float(number(percent))}}


def _virtual_service(ctx: Ctx, http: list[dict[str, Any]]) -> dict[str, Any]:
    # The mirror goes on the route every request not matched earlier takes: ``primary``.
    http = [_with_mirror(ctx, r) if r.get("name") == "primary" else r for r in http]
    spec = {"hosts": [ctx.d.name], "http": http}
    return ctx.obj(API, "VirtualService", ctx.d.name, spec)


def canary(ctx: Ctx, canary_host: str) -> dict[str, Any]:
    return _virtual_service(ctx, [{"name": "primary", "route": [
        _destination(ctx, ctx.d.name, 100), _destination(ctx, canary_host, 0)]}])


def blue_green(ctx: Ctx) -> dict[str, Any]:
    return _virtual_service(ctx, [{"name": "primary", "route": [_destination(ctx, ctx.d.name)]}])


def shadow(ctx: Ctx) -> dict[str, Any]:
    percent = ctx.d.rollout.mirror_percent or 0.0
    route = {"mirror": {"host": candidate_service(ctx), "port": {"number": ctx.d.port}},
             "mirrorPercentage": {"value": float(number(percent))},
             "name": "primary", "route": [_destination(ctx, ctx.d.name)]}
    return _virtual_service(ctx, [route])


def ab(ctx: Ctx, header: str | None) -> dict[str, Any]:
    """``header`` is the checked header name (None when the match is a cookie or absent)."""
    rollout = ctx.d.rollout
    http = []
    match = rollout.match
    rule = None
    if match is not None and match.header is not None:
        rule = {header: {"exact": match.value}} if header else None
    elif match is not None and match.cookie is not None:
        rule = {"cookie": {"regex": cookie_regex(match.cookie, match.value)}}
    if rule is not None:
        http.append({"match": [{"headers": rule}], "name": "candidate",
                     "route": [_destination(ctx, candidate_service(ctx))]})
    weight = rollout.candidate_weight or 0
    default = [_destination(ctx, ctx.d.name, 100 - weight)]
    if weight:
        default.append(_destination(ctx, candidate_service(ctx), weight))
    http.append({"name": "primary", "route": default})
    return _virtual_service(ctx, http)
