"""Names and labels: what every object of a deployment is called and labelled.

Spec strings reach labels only as *values*, and only after :func:`label_value` made them
valid (or the user was told); label *keys* from the spec are checked by
:func:`label_key_ok` and dropped when invalid, so no spec string can add a key.

>>> label_value("2.3.0+build.7")
'2.3.0-build.7-09ff6'
>>> derived_name("fraud-scorer", "candidate")
'fraud-scorer-candidate'
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from mlopsc import ir

PREFIX = "mlopsc.io/"
"""Prefix of the labels mlopsc adds beside the ``app.kubernetes.io/*`` ones."""
MAX_NAME = 63
_VALUE = re.compile(r"(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")
_NAME_PART = re.compile(r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*")
_INVALID = re.compile(r"[^-A-Za-z0-9_.]+")
RESERVED_PREFIXES = ("app.kubernetes.io/", PREFIX, "kubernetes.io/", "k8s.io/")


def _digest(text: str, size: int = 5) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def is_label_value(text: str) -> bool:
    return len(text) <= MAX_NAME and _VALUE.fullmatch(text) is not None


def label_value(text: str) -> str:
    """``text`` if it is a valid label value; else a valid one derived from it.

    Invalid characters become ``-``; a short hash of the original keeps two different
    strings from meeting on the same value.
    """
    if is_label_value(text):
        return text
    cleaned = _INVALID.sub("-", text).strip("-_.")[:MAX_NAME - 6].rstrip("-_.")
    return f"{cleaned}-{_digest(text)}" if cleaned else f"x-{_digest(text)}"


def label_key_ok(key: str) -> bool:
    """A qualified name: ``[prefix/]name``, the prefix a DNS subdomain of at most 253."""
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return False
    return len(name) <= MAX_NAME and _NAME_PART.fullmatch(name) is not None


def derived_name(name: str, suffix: str) -> str:
    """``name-suffix``, shortened with a hash when it would pass 63 characters."""
    full = f"{name}-{suffix}"
    if len(full) <= MAX_NAME:
        return full
    keep = MAX_NAME - len(suffix) - 7
    return f"{name[:keep].rstrip('-')}-{_digest(name)}-{suffix}"


def canary_service(deployment: ir.Deployment) -> str:
    """The Service of a canary's new pods (Argo Rollouts' ``canaryService``)."""
    return derived_name(deployment.name, "canary")


def selector_labels(deployment: ir.Deployment, track: str | None = None) -> dict[str, str]:
    """The labels a workload selects its pods by (immutable: never the version)."""
    labels = {"app.kubernetes.io/instance": deployment.name,
              "app.kubernetes.io/name": deployment.model_name}
    if track:
        labels[PREFIX + "track"] = track
    return labels


def standard_labels(deployment: ir.Deployment, part_of: str, version: str | None = None,
                    track: str | None = None) -> dict[str, str]:
    """``app.kubernetes.io/*`` plus model, model version, risk tier and environment."""
    version = label_value(version or deployment.version)
    labels = {
        **selector_labels(deployment, track),
        "app.kubernetes.io/component": "batch-scoring" if deployment.mode == "batch"
        else "model-server",
        "app.kubernetes.io/managed-by": "mlopsc",
        "app.kubernetes.io/part-of": label_value(part_of),
        "app.kubernetes.io/version": version,
        PREFIX + "environment": label_value(deployment.environment),
        PREFIX + "model": label_value(deployment.model_name),
        PREFIX + "model-version": version,
    }
    if deployment.risk_tier:
        labels[PREFIX + "risk-tier"] = label_value(deployment.risk_tier)
    return labels


def metadata(name: str, deployment: ir.Deployment, labels: dict[str, str]) -> dict[str, Any]:
    return {"labels": labels, "name": name, "namespace": deployment.namespace}
