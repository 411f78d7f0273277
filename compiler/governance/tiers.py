"""What a risk tier requires, as the policy gate enforced it.

The default bundle merges its defaults, the spec's ``governance.risk_tiers`` and organisation
data (:data:`mlopsc.policy.gate.TIERS`); the report and model cards show that result, so they
never say "no approvals required" while the gate demands two. Without a policy run only the
spec's own tiers are known.
"""

from __future__ import annotations

from typing import Any

from mlopsc.ir import IR
from mlopsc.policy.result import PolicyResult

KEYS = ("approvals", "approver_roles", "model_card", "fairness_review", "human_oversight",
        "explainability", "shadow_before_rollout")


def requirements(tier: str | None, ir: IR, policy: PolicyResult | None) -> dict[str, Any] | None:
    """The requirements of ``tier`` (``None`` for no tier, or one nobody defines).

    >>> from mlopsc.policy.result import PolicyResult
    >>> gate = PolicyResult(engine="regorus", bundles=(), rules={}, results=(), waivers=(),
    ...                     disabled=(), tiers={"high": {"approvals": 2,
    ...                                                  "approver_roles": ["risk"]}})
    >>> requirements("high", None, gate)["approvals"], requirements("low", None, gate)
    (2, None)
    """
    if tier is None:
        return None
    if policy is not None and policy.tiers is not None:
        found = policy.tiers.get(tier)
        if not isinstance(found, dict):
            return None
        approvals, roles = found.get("approvals"), found.get("approver_roles")
        return {"approvals": approvals if type(approvals) is int else None,
                "approver_roles": sorted(map(str, roles)) if isinstance(roles, list) else [],
                **{key: bool(found.get(key)) for key in KEYS[2:]}}
    spec_tier = ir.governance.risk_tiers.get(tier)
    if spec_tier is None:
        return None
    return {"approvals": spec_tier.approvals, "approver_roles": sorted(spec_tier.approver_roles),
            **{key: getattr(spec_tier, key) for key in KEYS[2:]}}
