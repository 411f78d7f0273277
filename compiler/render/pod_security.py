"""Security contexts that pass the restricted Pod Security Standard.

The restricted profile asks every pod to run as non-root with a seccomp profile, and every
container to drop all capabilities and forbid privilege escalation. The Kubernetes target's
model pods and the orchestrators' step pods share these two functions, so a pod of either
kind starts in a namespace that enforces the profile.
"""

from __future__ import annotations

from typing import Any

from mlopsc import ir


def container_security(sec: ir.Security) -> dict[str, Any]:
    """A container's ``securityContext`` from the spec's security settings."""
    out: dict[str, Any] = {"allowPrivilegeEscalation": sec.allow_privilege_escalation,
                           "capabilities": {"drop": ["ALL"]},
                           "privileged": sec.privileged,
                           "readOnlyRootFilesystem": sec.read_only_root_filesystem,
                           "runAsNonRoot": sec.run_as_non_root}
    if sec.run_as_user is not None:
        out["runAsUser"] = sec.run_as_user
    return out


def pod_security(sec: ir.Security) -> dict[str, Any]:
    """A pod's ``securityContext``: non-root, and the runtime's default seccomp profile."""
    out: dict[str, Any] = {"runAsNonRoot": sec.run_as_non_root,
                           "seccompProfile": {"type": "RuntimeDefault"}}
    if sec.run_as_user is not None:
        out["runAsUser"] = sec.run_as_user
    return out
