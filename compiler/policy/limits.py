"""How long and how much memory a policy evaluation may take, and the parsers of the flags
that say so.

Importing it loads no engine (the package :mod:`mlopsc.policy` imports lazily), so the
command line can declare ``--policy-timeout`` and ``--policy-memory`` cheaply;
:mod:`mlopsc.policy.bounded` enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MIB = 2048
MAX_TIMEOUT_S = 86_400.0
MAX_MEMORY_MIB = 1 << 20  # 1 TiB


@dataclass(frozen=True)
class PolicyLimits:
    """How long and how much memory one policy evaluation may take."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    """Wall-clock seconds for every decision of one run together."""
    memory_mib: int = DEFAULT_MEMORY_MIB
    """Address space the evaluation may add to what the process already holds, in MiB."""


DEFAULT_LIMITS = PolicyLimits()


def limits_of(args: object) -> PolicyLimits:
    """The :class:`PolicyLimits` the command line's ``--policy-timeout`` and
    ``--policy-memory`` ask for (parsed options with those attribute names)."""
    return PolicyLimits(getattr(args, "policy_timeout", DEFAULT_TIMEOUT_S),
                        getattr(args, "policy_memory", DEFAULT_MEMORY_MIB))


def timeout_seconds(text: str) -> float:
    """Parse ``--policy-timeout``: seconds, more than 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a number of seconds") from None
    if not 0 < value <= MAX_TIMEOUT_S:  # also refuses nan and inf
        raise ValueError(f"must be more than 0 and at most {MAX_TIMEOUT_S:g}")
    return value


def memory_mib(text: str) -> int:
    """Parse ``--policy-memory``: a whole number of MiB from 64 to 1 TiB."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 8:
        raise ValueError(f"{text[:40]!r} is not a whole number of MiB "
                         f"(64 to {MAX_MEMORY_MIB})")
    value = int(digits)
    if not 64 <= value <= MAX_MEMORY_MIB:
        raise ValueError(f"must be from 64 to {MAX_MEMORY_MIB} MiB")
    return value
