"""Kubernetes Gateway API traffic: an HTTPRoute per online deployment, on the spec's Gateway.

The second router beside Istio (:mod:`istio`), chosen by ``traffic.router: gateway-api`` on
the environment or the deployment. Every route attaches to the Gateway of
``traffic.gateway`` (``parentRefs``) and sends requests to the deployment's Services:

- canary: one rule, backendRefs stable (weight 100) and canary (weight 0); the Argo Rollouts
  Gateway API plugin (``argoproj-labs/gatewayAPI``, configured by :func:`plugin`) re-weights
  them at each step;
- blue-green: one rule to the active Service; Argo Rollouts switches the active Service's
  selector on promotion, so no router plugin is needed;
- shadow without ``mirror_of``: every request to the stable Service, and a ``RequestMirror``
  filter copying ``mirror_percent`` of them (``percent``, or ``fraction`` when not a whole
  number) to the candidate, whose answers the Gateway discards;
- shadow with ``mirror_of``: no route of its own; the route of the deployment it mirrors
  gets the ``RequestMirror`` filter to the shadow's candidate on the rule every request not
  matched earlier takes (its only rule, or an A/B route's last), as Istio's ``primary``
  route gets the mirror. The canary plugin re-weights that rule's ``backendRefs`` in place
  and writes the whole route back, so the filter stays;
- ab: a rule whose ``matches[].headers`` (``Exact``) send matching requests to the candidate,
  and a rule splitting the others by ``candidate_weight``. A cookie match is a
  ``RegularExpression`` match on the ``Cookie`` header, whose support is
  implementation-specific (W563).

>>> mirror_amount(10.0), mirror_amount(12.5), mirror_amount(1e-9)
({'percent': 10}, {'fraction': {'denominator': 8, 'numerator': 1}}, None)
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from mlopsc.source import parse_path
from mlopsc.spec.common import INT32_MAX
from mlopsc.targets.kubernetes.context import Ctx
from mlopsc.targets.kubernetes.istio import candidate_service, cookie_regex, mirroring
from mlopsc.targets.kubernetes.meta import derived_name

API = "gateway.networking.k8s.io/v1"
GROUP = "gateway.networking.k8s.io"
PLUGIN = "argoproj-labs/gatewayAPI"
"""The name Argo Rollouts' ``trafficRouterPlugins`` config gives the Gateway API plugin."""


def selected(ctx: Ctx) -> bool:
    """The deployment's traffic goes through the Gateway API router."""
    return ctx.d.traffic.router == "gateway-api"


def mirror_amount(percent: float) -> dict[str, Any] | None:
    """The RequestMirror amount of ``percent``; None when no int32 fraction holds it."""
    if float(percent).is_integer():
        return {"percent": int(percent)}
    share = Fraction(Decimal(repr(float(percent)))) / 100
    if share.denominator > INT32_MAX:
        return None
    return {"fraction": {"denominator": share.denominator, "numerator": share.numerator}}


def _backend(ctx: Ctx, service: str, weight: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "Service", "name": service, "port": ctx.d.port}
    if weight is not None:
        out["weight"] = weight
    return out


def _parent_refs(ctx: Ctx) -> list[dict[str, Any]]:
    traffic = ctx.d.traffic
    ref: dict[str, Any] = {"group": GROUP, "kind": "Gateway", "name": traffic.gateway_name}
    if traffic.gateway_namespace:
        ref["namespace"] = traffic.gateway_namespace
    return [ref]


def _shadow_mirror(ctx: Ctx) -> dict[str, Any] | None:
    """The ``RequestMirror`` filter to the candidate of the shadow that mirrors this
    deployment (``mirror_of``), or None (also when the share is inexpressible: E346 there)."""
    shadow_d = mirroring(ctx)
    if shadow_d is None:
        return None
    amount = mirror_amount(shadow_d.rollout.mirror_percent or 0.0)
    if amount is None:
        return None
    backend = {"kind": "Service", "name": derived_name(shadow_d.name, "candidate"),
               "port": shadow_d.port}
    return {"requestMirror": {"backendRef": backend, **amount}, "type": "RequestMirror"}


def _route(ctx: Ctx, rules: list[dict[str, Any]]) -> dict[str, Any]:
    # A shadow's mirror goes on the last rule: the one every request not matched earlier takes.
    if (mirror := _shadow_mirror(ctx)) is not None:
        rules[-1] = {**rules[-1], "filters": [*rules[-1].get("filters", ()), mirror]}
    return ctx.obj(API, "HTTPRoute", ctx.d.name,
                   {"parentRefs": _parent_refs(ctx), "rules": rules})


def canary(ctx: Ctx, canary_host: str) -> dict[str, Any]:
    return _route(ctx, [{"backendRefs": [_backend(ctx, ctx.d.name, 100),
                                         _backend(ctx, canary_host, 0)]}])


def blue_green(ctx: Ctx) -> dict[str, Any]:
    return _route(ctx, [{"backendRefs": [_backend(ctx, ctx.d.name)]}])


def shadow(ctx: Ctx) -> dict[str, Any]:
    """Stable answers; the candidate gets a copy of the declared share (all if unset)."""
    mirror: dict[str, Any] = {"backendRef": {"kind": "Service", "name": candidate_service(ctx),
                                             "port": ctx.d.port}}
    percent = ctx.d.rollout.mirror_percent
    if percent is not None:
        mirror.update(mirror_amount(percent) or {})
    return _route(ctx, [{"backendRefs": [_backend(ctx, ctx.d.name)],
                         "filters": [{"requestMirror": mirror, "type": "RequestMirror"}]}])


def ab(ctx: Ctx, header: str | None) -> dict[str, Any]:
    """``header`` is the checked header name (None when the match is a cookie or absent)."""
    rollout, rules = ctx.d.rollout, []
    match = rollout.match
    found = None
    if match is not None and match.header is not None and header:
        found = {"name": header, "type": "Exact", "value": match.value}
    elif match is not None and match.cookie is not None:
        found = {"name": "Cookie", "type": "RegularExpression",
                 "value": cookie_regex(match.cookie, match.value)}
    if found is not None:
        rules.append({"backendRefs": [_backend(ctx, candidate_service(ctx))],
                      "matches": [{"headers": [found]}]})
    weight = rollout.candidate_weight or 0
    default = [_backend(ctx, ctx.d.name, 100 - weight)]
    if weight:
        default.append(_backend(ctx, candidate_service(ctx), weight))
    rules.append({"backendRefs": default})
    return _route(ctx, rules)


def plugin(ctx: Ctx) -> dict[str, Any]:
    """A canary Rollout's ``trafficRouting``: the plugin re-weights this HTTPRoute.

    Keys as the plugin reads them (``GatewayAPITrafficRouting`` in the plugin's
    pkg/plugin/types.go): ``httpRoute`` (the route's name) and ``namespace``.
    """
    return {"plugins": {PLUGIN: {"httpRoute": ctx.d.name, "namespace": ctx.d.namespace}}}


def usable(ctx: Ctx) -> bool:
    """The router choice checked: False (no manifests) when the Gateway API cannot express
    what the spec asks (E345, E346); W563 and W564 when it only partly can, or not at all."""
    d, traffic = ctx.d, ctx.d.traffic
    where = (parse_path(traffic.path) if traffic.path else None) or ctx.where("traffic")
    if not selected(ctx):
        return True
    if ctx.flavour == "kserve" or d.mode != "online":
        if not (traffic.path or "").startswith("deployments."):
            return True  # an environment-wide choice: such deployments simply keep no route
        what = "the kserve flavour (KServe routes its own traffic)" \
            if ctx.flavour == "kserve" else f"a {d.mode} deployment (no requests to route)"
        ctx.bag.add("W564", f"deployment '{d.name}': the gateway-api router does not apply to "
                            f"{what}; no HTTPRoute is written", path=where,
                    hint="remove `traffic.router: gateway-api` for this deployment")
        return True
    if d.rollout.strategy == "rolling" or (
            d.rollout.strategy == "shadow" and d.rollout.mirror_of is not None):
        return True  # no route: a shadow of another deployment uses that one's (checks.py)
    if not traffic.gateway_name:
        ctx.bag.add("E345", f"deployment '{d.name}': the gateway-api router needs the Gateway "
                            "that its HTTPRoute attaches to", path=where,
                    hint="set `traffic.gateway.name` (and `namespace`) on the environment")
        return False
    return _mirror_ok(ctx) and _cookie_note(ctx)


def _mirror_ok(ctx: Ctx) -> bool:
    return ctx.d.rollout.strategy != "shadow" or mirror_expressible(ctx)


def mirror_expressible(ctx: Ctx, route: str | None = None) -> bool:
    """The shadow's ``mirror_percent`` fits a RequestMirror filter (on ``route``, the
    mirrored deployment's HTTPRoute, or its own): E346 otherwise."""
    percent = ctx.d.rollout.mirror_percent
    if percent is None or not 0 <= percent <= 100 or mirror_amount(percent) is not None:
        return True
    on = f" on the HTTPRoute of '{route}'" if route else ""
    ctx.bag.add("E346", f"deployment '{ctx.d.name}': mirror_percent {percent} cannot be "
                        f"written as a Gateway API RequestMirror percent or int32 fraction{on}",
                path=ctx.where("rollout", "mirror_percent"),
                hint="use a whole percentage or one with a few decimals, e.g. 12.5")
    return False


def _cookie_note(ctx: Ctx) -> bool:
    match = ctx.d.rollout.match
    if ctx.d.rollout.strategy == "ab" and match is not None and match.cookie is not None:
        ctx.bag.add("W563", f"deployment '{ctx.d.name}': a cookie match is a RegularExpression "
                            "match on the Cookie header, whose support (and regex dialect) "
                            "is implementation-specific in the Gateway API",
                    path=ctx.where("rollout", "match", "cookie"),
                    hint="check that your Gateway implementation supports RegularExpression "
                         "header matches, or match on a header instead")
    return True
