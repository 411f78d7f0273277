"""The Kubeflow target: one KFP v2 IR YAML per pipeline whose orchestrator is Kubeflow.

Output (under ``kubeflow/``):

- ``<pipeline>.yaml``: the IR, compiled by kfp's own compiler (with the kfp-kubernetes
  platform spec when a step uses Secrets, node selectors, timeouts or a security context);
- ``<pipeline>.recurring-run.yaml``: when the pipeline has a schedule, the KFP recurring
  run that carries it (IR has no place for a schedule);
- ``<pipeline>.trigger.yaml``: when drift or performance triggers name monitors, the
  CronJob (and its ServiceAccount, Role, RoleBinding, ConfigMap) that creates a run when
  one of their alerts fires (:mod:`.trigger`, :mod:`.run_on_alert`).

``--set kubeflow.gpu-node-label=LABEL`` names the node label that picks a GPU type
(default ``nvidia.com/gpu.product``); ``kubeflow.prometheus-url``, ``kubeflow.kfp-endpoint``,
``kubeflow.trigger-cooldown`` and ``kubeflow.trigger-image`` configure the trigger CronJob.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import kfp

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.source import entity_path
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc.targets.kubeflow import (
    DECLARATION,
    build,
    component,
    exit_handler,
    recurring,
    substitution,
    tasks,
    trigger,
)
from mlopsc.values.units import parse_duration

DEFAULT_GPU_LABEL = "nvidia.com/gpu.product"


class KubeflowTarget:
    """Compile Kubeflow pipelines into KFP v2 IR with the kfp SDK.

    Example::

        artifacts = KubeflowTarget().emit(ir, EmitOptions("0.1.0", "mlops.yaml"), bag)
        [a.path for a in artifacts]   # ['fraud-training.recurring-run.yaml', 'fraud-training.yaml']
    """

    declaration: ClassVar[TargetDeclaration] = DECLARATION

    def emit(self, ir_: ir.IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        gpu_label = options.settings.get("kubeflow.gpu-node-label", DEFAULT_GPU_LABEL)
        notify_image = str(options.settings.get("kubeflow.notify-image",
                                                exit_handler.DEFAULT_IMAGE))
        pipelines = [p for p in ir_.pipelines if p.orchestrator == "kubeflow"]
        if pipelines and kfp.__version__ != build.PINNED_KFP:
            diagnostics.add("W515", f"kfp {kfp.__version__} is installed; outputs are stamped "
                            f"for kfp {build.PINNED_KFP} and may differ from the goldens")
        artifacts: list[Artifact] = []
        cooldown = parse_duration(str(options.settings.get(
            "kubeflow.trigger-cooldown", trigger.DEFAULTS["kubeflow.trigger-cooldown"])))
        cooldown_s = max(1, int(cooldown or 0))
        stop = threading.Event()

        def compile_all() -> None:
            for p in pipelines:
                if stop.is_set():  # the caller gave up (Ctrl-C): finish the current one only
                    return
                if not _names_ok(p, diagnostics) or not _literal_ok(p, diagnostics):
                    continue
                _report_losses(p, diagnostics)
                text = build.compile_pipeline(p, gpu_label, diagnostics, notify_image)
                artifacts.append(Artifact(f"{p.name}.yaml", _with_header(text, p, options)))
                if p.schedule:
                    artifacts.append(Artifact(f"{p.name}.recurring-run.yaml",
                                              recurring.definition(p, options.header())))
                if trigger.monitors(p):
                    artifacts.append(Artifact(f"{p.name}.trigger.yaml", trigger.definition(
                        p, options.settings, cooldown_s, options.header())))

        # kfp's task setters call inspect.stack(), whose cost grows with every frame above
        # them, and a frame without a module file behind it (`python -m mlopsc` runs under
        # frozen runpy frames) makes inspect scan sys.modules again per call. A worker
        # thread starts with a short stack of plain modules; the work stays sequential.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kfp")
        try:
            pool.submit(compile_all).result()
        finally:
            stop.set()
            pool.shutdown(wait=True)
        return sorted(artifacts, key=lambda a: a.path)


def _with_header(text: str, p: ir.Pipeline, options: EmitOptions) -> bytes:
    # Comments only: KFP IR has no owner or tags; ASCII JSON keeps them on one line.
    lines = [f"# {options.header()}"]
    if p.owner:
        lines.append(f"# owner: {json.dumps(p.owner)}")
    if p.tags:
        lines.append(f"# tags: {json.dumps(list(p.tags))}")
    return ("\n".join(lines) + "\n" + text).encode()


def _names_ok(p: ir.Pipeline, bag: Diagnostics) -> bool:
    ok = _unique(p, "parameters", {}, [(component.identifier(x.name), f"parameter {x.name!r}")
                                       for x in p.parameters], bag)
    for step in p.steps:
        pairs = [(ident, who) for ident, whos in component.io_names(step).items()
                 for who in whos]
        ok = _unique(p, "steps", {"step": step}, pairs, bag) and ok
    return ok


def _literal_ok(p: ir.Pipeline, bag: Diagnostics) -> bool:
    """E518 for each spec string the KFP backend would substitute (the pipeline is skipped)."""
    ok = True
    for path, what in substitution.refused(p):
        bag.add("E518", f"pipeline {p.name!r}: {what} holds text the KFP backend substitutes "
                "at run time ('{{' or a JSON clause)", path=path)
        ok = False
    return ok


def _unique(p: ir.Pipeline, field: str, where: dict[str, Any], pairs: list[Any],
            bag: Diagnostics) -> bool:
    seen: dict[str, list[str]] = {}
    for ident, who in pairs:
        seen.setdefault(ident, []).append(who)
    clashes = {ident: whos for ident, whos in seen.items() if len(whos) > 1}
    for ident, whos in sorted(clashes.items()):
        step = where.get("step")
        path = entity_path(step.path) if step else entity_path(p.path) + (field,)
        bag.add("E511", f"{' and '.join(whos)} both become the KFP name {ident!r}", path=path)
    return not clashes


def _report_losses(p: ir.Pipeline, bag: Diagnostics) -> None:
    """What KFP v2 cannot hold, reported at the spec path (never dropped silently)."""
    where = entity_path(p.path)
    for i, t in enumerate(p.triggers):
        # Drift and performance triggers get the trigger CronJob (trigger.py).
        if t.type == "data_change":
            source = (t.dataset or "").partition(":")[2]
            bag.add("W511", f"pipeline {p.name!r}: nothing mlopsc generates starts a KFP run "
                    f"when dataset {source!r} changes", path=where + ("triggers", i))
    if p.timeout_s is not None:
        bag.add("W512", f"pipeline {p.name!r}: KFP v2 IR has no whole-run timeout",
                path=where + ("timeout",))
    lost = {step.name: tasks.security_not_expressible(step) for step in p.steps}
    fields = sorted({name for names in lost.values() for name in names})
    if fields:
        first = next(step for step in p.steps if lost[step.name])
        names = ", ".join(step.name for step in p.steps if lost[step.name])
        bag.add("W513", f"pipeline {p.name!r}: KFP cannot set {', '.join(fields)} "
                f"(steps {names}); they run with the backend's container defaults",
                path=entity_path(first.path) + ("security",))
    for step in p.steps:
        if step.retry is not None:
            _report_retry(step, step.retry, bag)


def _report_retry(step: ir.Step, r: ir.Retry, bag: Diagnostics) -> None:
    where = entity_path(step.path) + ("retries",)
    factor = tasks.whole_factor(r)
    if r.backoff_factor is not None and factor != r.backoff_factor:
        bag.add("W516", f"step {step.name!r}: KFP's backend takes a whole backoff factor; "
                f"{r.backoff_factor:g} becomes {factor}", path=where + ("backoff_factor",))
    if tasks.capped_delays(r):
        bag.add("W516", f"step {step.name!r}: KFP cannot cap a retry delay; delays grow past "
                f"max_backoff to {tasks.longest_delay(r):g} s",
                path=where + ("max_backoff",))
