"""Settings of one KFP task: display name, description, resources, retries, caching, env, and
Kubernetes extras.

Each setter goes through kfp's own API (kfp-kubernetes for Secrets, node selectors, timeouts,
the security context and the description annotation). A value kfp refuses becomes an E512
at its spec path instead of a crash, so a user sees every problem at once.
"""

from __future__ import annotations

from types import TracebackType

from kfp import kubernetes
from kfp.dsl import PipelineTask

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.render import gpu
from mlopsc.source import entity_path
from mlopsc.targets.kubeflow import affinity

GPU_RESOURCE = "nvidia.com/gpu"
DESCRIPTION_ANNOTATION = "mlopsc.io/description"
RETRY_WINDOW = f"{2**31 - 1}s"
"""KFP's ``backoffMaxDuration``: how long after the first attempt started the backend still
retries (Argo's ``maxDuration``), 3600 s when unset, which would cut the retries of a step
that runs longer. The spec bounds retries by count, so the window is as long as Argo (a Go
duration) and a pod's ``activeDeadlineSeconds`` (at most 2^32 - 1) both accept."""


class _Refused:
    """Turns a value kfp refuses into E512 at its spec path (a context manager: no frame
    is added under kfp's setters, which inspect the call stack)."""

    def __init__(self, step: ir.Step, bag: Diagnostics) -> None:
        self.step, self.bag = step, bag
        self.field: tuple[str | int, ...] = ()
        self.where = entity_path(step.path)

    def __call__(self, *field: str | int) -> _Refused:
        self.field = field
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> bool:
        if kind is not None and issubclass(kind, ValueError | TypeError):
            self.bag.add("E512", f"step {self.step.name!r}: kfp refused the value: {error}",
                         path=self.where + self.field)
            return True
        return False


def configure(task: PipelineTask, step: ir.Step, gpu_label: str, bag: Diagnostics,
              pull_secrets: tuple[str, ...] = ()) -> None:
    """Apply everything the step says that KFP can hold; report what it cannot.

    ``pull_secrets`` are the pipeline's image pull secrets, set on every task's pod.
    """
    refused = _Refused(step, bag)
    if step.display_name:
        with refused("display_name"):
            task.set_display_name(step.display_name)
    if step.description:
        # IR keeps no task description; a pod annotation carries it to the run.
        with refused("description"):
            kubernetes.add_pod_annotation(task, DESCRIPTION_ANNOTATION, step.description)
    task.set_caching_options(enable_caching=step.cache)
    for env in step.env:
        with refused("env", env.name):
            if env.secret is not None:
                kubernetes.use_secret_as_env(task, secret_name=env.secret,
                                             secret_key_to_env={env.secret_key: env.name})
            else:
                task.set_env_variable(env.name, env.value)
    if step.resources is not None:
        _resources(task, step.resources, gpu_label, refused)
    for key, value in step.node_selector.items():
        with refused("node_selector", key):
            kubernetes.add_node_selector(task, key, value)
    if step.retry is not None:
        with refused("retries"):
            _retry(task, step.retry)
    if step.timeout_s is not None:
        with refused("timeout"):
            kubernetes.set_timeout(task, int(step.timeout_s))
    with refused("security"):
        kubernetes.set_security_context(task, run_as_user=step.security.run_as_user,
                                        run_as_non_root=step.security.run_as_non_root)
    for i, t in enumerate(step.tolerations):
        with refused("tolerations", i):
            kubernetes.add_toleration(task, key=t.key, operator="Exists" if t.value is None
                                      else "Equal", value=t.value, effect=t.effect)
    if pull_secrets:
        kubernetes.set_image_pull_secrets(task, list(pull_secrets))
    if step.affinity is not None:
        affinity.apply(task, step.affinity, refused)
    for i, v in enumerate(step.volumes):
        with refused("volumes", i):
            if v.pvc is not None:
                kubernetes.mount_pvc(task, pvc_name=v.pvc, mount_path=v.mount_path)
            else:
                kubernetes.empty_dir_mount(task, volume_name=v.name, mount_path=v.mount_path,
                                           medium="Memory" if v.memory else None,
                                           size_limit=v.size_limit)


def _resources(task: PipelineTask, r: ir.Resources, gpu_label: str, refused: _Refused) -> None:
    if r.cpu is not None:
        with refused("resources", "cpu"):
            task.set_cpu_request(r.cpu)
    if r.memory is not None:
        with refused("resources", "memory"):
            task.set_memory_request(r.memory)
    if r.cpu_limit is not None:
        with refused("resources", "cpu_limit"):
            task.set_cpu_limit(r.cpu_limit)
    if r.memory_limit is not None or r.memory is not None:
        # The spec's memory limit defaults to the request.
        with refused("resources", "memory_limit" if r.memory_limit else "memory"):
            task.set_memory_limit(r.memory_limit or r.memory)
    if r.gpu_count:
        with refused("resources", "gpu", "count"):
            task.set_accelerator_type(GPU_RESOURCE)
            task.set_accelerator_limit(r.gpu_count)
    if r.gpu_type:
        with refused("resources", "gpu", "type"):
            kubernetes.add_node_selector(task, gpu_label, gpu.label_value(gpu_label, r.gpu_type))


def _retry(task: PipelineTask, retry: ir.Retry) -> None:
    task.set_retry(
        num_retries=retry.limit,
        backoff_duration=_duration(first_delay(retry)),
        backoff_factor=float(whole_factor(retry)),
        backoff_max_duration=RETRY_WINDOW)


def whole_factor(retry: ir.Retry) -> int:
    """The backoff factor KFP's backend can run: Argo reads it as an integer, and without one
    in the spec every delay is the same (KFP itself would fill 2).

    >>> [whole_factor(ir.Retry(limit=3, backoff_factor=f)) for f in (None, 2.0, 1.5, 2.4)]
    [1, 2, 2, 2]
    """
    return 1 if retry.backoff_factor is None else int(retry.backoff_factor + 0.5)


def first_delay(retry: ir.Retry) -> float | None:
    """The delay before the first retry: ``backoff``, within ``max_backoff``."""
    if retry.backoff_s is None or retry.max_backoff_s is None:
        return retry.backoff_s
    return min(retry.backoff_s, retry.max_backoff_s)


def longest_delay(retry: ir.Retry) -> float:
    """The delay KFP waits before the last retry (it has no cap on a delay)."""
    growth: float = whole_factor(retry) ** max(retry.limit - 1, 0)  # int ** int: typed Any
    return (first_delay(retry) or 0) * growth


def capped_delays(retry: ir.Retry) -> bool:
    """Whether ``max_backoff`` would shorten a delay KFP waits."""
    return retry.max_backoff_s is not None and longest_delay(retry) > retry.max_backoff_s


def _duration(seconds: float | None) -> str | None:
    """KFP durations are strings of seconds, e.g. ``"300s"``."""
    if seconds is None:
        return None
    return f"{int(seconds)}s" if float(seconds).is_integer() else f"{seconds}s"


def security_not_expressible(step: ir.Step) -> list[str]:
    """Security settings the step asks for beyond the secure defaults that KFP cannot grant.

    The read-only root filesystem, a default the user cannot turn off (SEC-004), is not
    listed: KFP cannot set it for any step, so a per-pipeline warning could never be fixed
    in the spec; docs/targets/kubeflow.md says how a cluster enforces it instead.

    >>> from types import SimpleNamespace
    >>> security_not_expressible(SimpleNamespace(security=ir.Security()))  # secure defaults
    []
    >>> security_not_expressible(SimpleNamespace(security=ir.Security(privileged=True)))
    ['privileged']
    """
    s = step.security
    asked = (("privileged", s.privileged), ("host_network", s.host_network),
             ("allow_privilege_escalation", s.allow_privilege_escalation))
    return [name for name, value in asked if value]
