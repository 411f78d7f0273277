"""The one interface the policy gate uses to evaluate decisions, whichever engine runs.

An engine answers "what is the value of ``data.<package>.deny`` for this input?" for a list
of decisions. A decision's value is JSON data, :data:`UNDEFINED`, or a :class:`RegoError`
when the policy itself failed at a known position. Anything else (engine crash, server
unreachable) raises :class:`PolicyEngineError`, and running past the time or memory limit
raises :class:`~mlopsc.policy.bounded.PolicyLimitError`: the gate never passes silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from mlopsc.policy.bundle import Bundles
from mlopsc.policy.errors import PolicyEngineError, RegoError
from mlopsc.policy.input_doc import PolicyInput
from mlopsc.policy.limits import DEFAULT_LIMITS, PolicyLimits


class _Undefined:
    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Any = _Undefined()
"""The value of a decision that has no value (an undefined rule)."""

Value = Any | RegoError


class PolicyEngine(Protocol):
    name: str
    """``regorus`` or ``opa``: shown in reports."""

    def evaluate(self, policy_input: PolicyInput, decisions: Sequence[str]) -> dict[str, Value]:
        """The value of each decision (``data.a.b.deny``) for ``policy_input``."""
        ...


def make_engine(bundles: Bundles, data: dict[str, Any], opa_url: str | None,
                limits: PolicyLimits = DEFAULT_LIMITS) -> PolicyEngine:
    """The embedded regorus engine, or the OPA server at ``opa_url``, bounded by ``limits``
    (regorus: time and memory, in a child process; OPA: time, as HTTP timeouts).

    >>> from mlopsc.policy.bundle import load_bundles, default_bundle_dir
    >>> make_engine(load_bundles([("default", default_bundle_dir())]), {}, None).name
    'regorus'
    """
    if opa_url:
        from mlopsc.policy.opa_engine import OpaEngine

        if data:  # never evaluate without the data the user asked for
            raise PolicyEngineError("--data cannot be combined with --opa-url: load the "
                                    "organisation data into the OPA server, under data.org")

        return OpaEngine(opa_url, timeout=limits.timeout_s)
    from mlopsc.policy.regorus_engine import RegorusEngine

    return RegorusEngine(bundles, data, limits)
