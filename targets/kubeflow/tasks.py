"""Settings of one KFP task: display name, resources, retries, caching, env, Kubernetes extras.

Each setter goes through kfp's own API (kfp-kubernetes for Secrets, node selectors, timeouts
and the security context). A value kfp refuses becomes an E512 at its spec path instead of
a crash, so a user sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable

from kfp import kubernetes
from kfp.dsl import PipelineTask

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.source import parse_path

GPU_RESOURCE = "nvidia.com/gpu"


def configure(task: PipelineTask, step: ir.Step, gpu_label: str, bag: Diagnostics) -> None:
    """Apply everything the step says that KFP can hold; report what it cannot."""
    where = parse_path(step.path)

    def call(field: tuple, action: Callable[[], object]) -> None:
        try:
            action()
        except (ValueError, TypeError) as error:
            bag.add("E512", f"step {step.name!r}: kfp refused the value: {error}",
                    path=where + field)

    if step.display_name:
        call(("display_name",), lambda: task.set_display_name(step.display_name))
    task.set_caching_options(enable_caching=step.cache)
    for env in step.env:
        if env.secret is not None:
            call(("env", env.name), lambda env=env: kubernetes.use_secret_as_env(
                task, secret_name=env.secret, secret_key_to_env={env.secret_key: env.name}))
        else:
            call(("env", env.name), lambda env=env: task.set_env_variable(env.name, env.value))
    if step.resources is not None:
        _resources(task, step.resources, gpu_label, call)
    for key, value in step.node_selector.items():
        call(("node_selector", key),
             lambda key=key, value=value: kubernetes.add_node_selector(task, key, value))
    if step.retry is not None:
        call(("retries",), lambda: _retry(task, step.retry))
    if step.timeout_s is not None:
        call(("timeout",), lambda: kubernetes.set_timeout(task, int(step.timeout_s)))
    _security(task, step, call)


def _resources(task: PipelineTask, r: ir.Resources, gpu_label: str, call) -> None:
    setters = (("cpu", r.cpu, task.set_cpu_request), ("memory", r.memory, task.set_memory_request),
               ("cpu_limit", r.cpu_limit, task.set_cpu_limit),
               ("memory_limit", r.memory_limit, task.set_memory_limit))
    for field, value, setter in setters:
        if value is not None:
            call(("resources", field), lambda setter=setter, value=value: setter(value))
    if r.gpu_count:
        call(("resources", "gpu", "count"), lambda: (
            task.set_accelerator_type(GPU_RESOURCE), task.set_accelerator_limit(r.gpu_count)))
    if r.gpu_type:
        call(("resources", "gpu", "type"),
             lambda: kubernetes.add_node_selector(task, gpu_label, r.gpu_type))


def _retry(task: PipelineTask, retry: ir.Retry) -> None:
    task.set_retry(
        num_retries=retry.limit,
        backoff_duration=_duration(retry.backoff_s),
        backoff_factor=retry.backoff_factor,
        backoff_max_duration=_duration(retry.max_backoff_s))


def _duration(seconds: float | None) -> str | None:
    """KFP durations are strings of seconds, e.g. ``"300s"``."""
    if seconds is None:
        return None
    return f"{int(seconds)}s" if float(seconds).is_integer() else f"{seconds}s"


def _security(task: PipelineTask, step: ir.Step, call) -> None:
    s = step.security
    call(("security",), lambda: kubernetes.set_security_context(
        task, run_as_user=s.run_as_user, run_as_non_root=s.run_as_non_root))


def security_not_expressible(step: ir.Step) -> list[str]:
    """Security fields of the step that KFP cannot set (the backend's defaults apply).

    >>> security_not_expressible(step)   # a step with the secure defaults
    ['read_only_root_filesystem']
    """
    s = step.security
    asked = (("privileged", s.privileged), ("host_network", s.host_network),
             ("allow_privilege_escalation", s.allow_privilege_escalation),
             ("read_only_root_filesystem", s.read_only_root_filesystem))
    return [name for name, value in asked if value]
