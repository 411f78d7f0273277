"""How long and how much memory a policy evaluation may take, and the flags that say so.

Importing it loads no engine (the package :mod:`mlopsc.policy` imports lazily), so the
command line can declare ``--policy-timeout`` and ``--policy-memory`` cheaply;
:mod:`mlopsc.policy.bounded` enforces them.
"""

from __future__ import annotations

import argparse
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


def limit_flags(parser: argparse.ArgumentParser) -> None:
    """``--policy-timeout`` and ``--policy-memory``: the bounds of every policy evaluation."""
    parser.add_argument("--policy-timeout", type=timeout_seconds, metavar="SECONDS",
                        default=DEFAULT_TIMEOUT_S,
                        help="wall-clock limit of the policy evaluation; past it the gate "
                             f"fails closed with E406 (default {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--policy-memory", type=memory_mib, metavar="MIB",
                        default=DEFAULT_MEMORY_MIB,
                        help="memory the policy evaluation may use, in MiB; past it the gate "
                             f"fails closed with E406 (default {DEFAULT_MEMORY_MIB})")


def limits_of(args: argparse.Namespace) -> PolicyLimits:
    """The :class:`PolicyLimits` the flags of :func:`limit_flags` ask for."""
    return PolicyLimits(getattr(args, "policy_timeout", DEFAULT_TIMEOUT_S),
                        getattr(args, "policy_memory", DEFAULT_MEMORY_MIB))


def timeout_seconds(text: str) -> float:
    """Parse ``--policy-timeout``: seconds, more than 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds") from None
    if not 0 < value <= MAX_TIMEOUT_S:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {MAX_TIMEOUT_S:g}")
    return value


def memory_mib(text: str) -> int:
    """Parse ``--policy-memory``: a whole number of MiB from 64 to 1 TiB."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 8:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number of MiB "
                                         f"(64 to {MAX_MEMORY_MIB})")
    value = int(digits)
    if not 64 <= value <= MAX_MEMORY_MIB:
        raise argparse.ArgumentTypeError(f"must be from 64 to {MAX_MEMORY_MIB} MiB")
    return value
