"""Names a pipeline hands to Kubernetes as they are: the API server's own syntax, at validate.

A service account, a pull secret, a claim, a volume, a toleration and a mount path reach the
pod spec verbatim (Airflow's operator arguments, KFP's platform config and recurring run).
Kubernetes refuses a malformed one only when the run starts; these checks refuse it in the
pull request, with the rule the API server applies (``k8s.io/apimachinery`` validation).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from mlopsc.diagnostics import Diagnostics
from mlopsc.passes.check_names import invalid_name
from mlopsc.spec.pipelines import Pipeline
from mlopsc.values.units import is_dns1123_label

_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_QUALIFIED = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\Z")
_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?\Z")


def is_subdomain(text: str) -> bool:
    """A DNS-1123 subdomain: what most object names are (253 characters at most).

    >>> is_subdomain("ml-runner"), is_subdomain("a.b-c"), is_subdomain("x{{ 1 }}")
    (True, True, False)
    """
    return len(text) <= 253 and bool(_SUBDOMAIN.match(text))


def is_qualified_name(text: str) -> bool:
    """A label or taint key: an optional subdomain prefix and ``/``, then a name of 63.

    >>> is_qualified_name("nvidia.com/gpu"), is_qualified_name("dedicated"), \\
    ...     is_qualified_name("a/b/c")
    (True, True, False)
    """
    prefix, _, name = text.rpartition("/")
    if prefix and not is_subdomain(prefix):
        return False
    return len(name) <= 63 and bool(_QUALIFIED.match(name))


def is_mount_path(text: str) -> bool:
    """An absolute, normalised path without ``:`` (the API server refuses ``:``).

    >>> is_mount_path("/dev/shm"), is_mount_path("/data/../etc"), is_mount_path("data")
    (True, False, False)
    """
    return (text.startswith("/") and posixpath.normpath(text) == text and ":" not in text
            and text.isprintable())


def kubernetes_names(where: tuple[Any, ...], pipeline: Pipeline, bag: Diagnostics) -> None:
    """E303 for each malformed name, E340 for each mount path that is not clean."""
    if pipeline.service_account is not None:
        _name(pipeline.service_account, (*where, "service_account"), "service account",
              is_subdomain, bag)
    for i, secret in enumerate(pipeline.image_pull_secrets):
        _name(secret, (*where, "image_pull_secrets", i), "secret name", is_subdomain, bag)
    store = pipeline.artifact_store
    if store is not None:
        if store.pvc is not None:
            _name(store.pvc, (*where, "artifact_store", "pvc"), "claim name", is_subdomain, bag)
        _mount(store.mount_path, (*where, "artifact_store", "mount_path"), bag)
    for s, step in enumerate(pipeline.steps):
        base = (*where, "steps", s)
        for v, volume in enumerate(step.volumes):
            _name(volume.name, (*base, "volumes", v, "name"), "volume name",
                  is_dns1123_label, bag)
            if volume.pvc is not None:
                _name(volume.pvc, (*base, "volumes", v, "pvc"), "claim name", is_subdomain, bag)
            _mount(volume.mount_path, (*base, "volumes", v, "mount_path"), bag)
        for t, toleration in enumerate(step.tolerations):
            _name(toleration.key, (*base, "tolerations", t, "key"), "taint key",
                  is_qualified_name, bag)
            if toleration.value is not None:
                _name(toleration.value, (*base, "tolerations", t, "value"), "taint value",
                      lambda text: len(text) <= 63 and bool(_LABEL_VALUE.match(text)), bag)


def _name(text: str, path: tuple[Any, ...], what: str, ok: Any, bag: Diagnostics) -> None:
    if ok(text) or not text.isprintable():  # E330 reports control characters
        return
    shown = repr(text) if len(text) <= 70 else repr(text[:70]) + "..."
    invalid_name(bag, f"{shown} is not a valid Kubernetes {what}", path,
                 "lowercase letters, digits, '-' and '.' (a taint key may carry a "
                 "'prefix/' and capitals; a taint value is at most 63 characters)")


def _mount(text: str, path: tuple[Any, ...], bag: Diagnostics) -> None:
    if is_mount_path(text) or not text.isprintable():
        return
    shown = repr(text) if len(text) <= 70 else repr(text[:70]) + "..."
    bag.add("E340", f"mount path {shown} is not a clean absolute path", path=path,
            hint="write an absolute path without '..', '//', a trailing '/' or ':', "
                 "e.g. /dev/shm or /data")
