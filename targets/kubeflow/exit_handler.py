"""A pipeline's failure notice as a KFP exit handler.

Every step runs inside ``dsl.ExitHandler``; its exit task, which KFP runs after them
whatever their outcome, gets the pipeline's final status (``dsl.PipelineTaskFinalStatus``)
and runs :mod:`.notify_on_failure` in a Python image (``--set kubeflow.notify-image``,
default ``python:3.12-slim``), which POSTs to the URL in the Secret ``webhook`` (key
``secret_key``) only when the run failed. The notice's text reaches the task as a base64
constant, so neither Kubernetes (``$(VAR)``) nor the KFP backend (``{{...}}``) expands it.
"""

from __future__ import annotations

import base64
import json
from contextlib import ExitStack
from importlib import resources
from typing import Any

from kfp import dsl, kubernetes

from mlopsc import ir

DEFAULT_IMAGE = "python:3.12-slim"
URL_ENV = "MLOPSC_WEBHOOK_URL"
NOBODY = 65534
TIMEOUT_S = 300


def program() -> str:
    """The exit task's Python program (checked to hold no ``{{`` and no ``$(``)."""
    text = resources.files("mlopsc.targets.kubeflow").joinpath(
        "notify_on_failure.py").read_text(encoding="utf-8")
    if "{{" in text or "$(" in text:
        raise RuntimeError("notify_on_failure.py holds text KFP or Kubernetes would expand")
    return text


def settings(p: ir.Pipeline, notice: ir.FailureNotice) -> str:
    """The notice's settings as the exit task's second argument (base64 of sorted JSON)."""
    config = {"pipeline": p.name, "message": notice.message or f"pipeline {p.name} failed"}
    return base64.b64encode(json.dumps(config, sort_keys=True).encode()).decode()


def enter(p: ir.Pipeline, image: str = DEFAULT_IMAGE) -> ExitStack:
    """Open the exit handler the steps are created in (close the stack after the last).

    Without a notice, an empty stack: the steps are created at the pipeline's top level.
    """
    stack = ExitStack()
    notice = p.on_failure
    if notice is None:
        return stack
    task = _component(image)(config=settings(p, notice))
    task.set_display_name("notify on failure")
    task.set_caching_options(enable_caching=False)
    # The restricted Pod Security Standard: python images run as root unless told otherwise.
    kubernetes.set_security_context(task, run_as_user=NOBODY, run_as_non_root=True)
    kubernetes.set_timeout(task, TIMEOUT_S)
    kubernetes.use_secret_as_env(task, secret_name=notice.webhook,
                                 secret_key_to_env={notice.secret_key: URL_ENV})
    stack.enter_context(dsl.ExitHandler(task))
    return stack


def _component(image: str) -> Any:  # a kfp component (kfp is untyped)
    source = program()

    def mlopsc_notify_on_failure(status: Any, config: Any) -> Any:
        return dsl.ContainerSpec(image=image, command=["python3", "-c", source],
                                 args=[status, config])

    # kfp reads the types from the annotations, which this module's future import makes
    # strings: set them as objects.
    mlopsc_notify_on_failure.__annotations__ = {
        "status": dsl.PipelineTaskFinalStatus, "config": str, "return": dsl.ContainerSpec}
    return dsl.container_component(mlopsc_notify_on_failure)
