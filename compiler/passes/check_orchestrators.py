"""Pass: every pipeline's orchestrator is one that a target claims.

Orchestrators are open names: a target declares the ones it runs
(``TargetDeclaration.orchestrators``), built-in or plugin alike, so a plugin can add, say,
``argo-workflows``. A name no available target claims is E333, with the closest claimed
name; a name only a plugin claims is W334 when the run compiles the default targets (the
built-ins), which would leave the pipeline out without a word.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from mlopsc import registry
from mlopsc.diagnostics import Diagnostics
from mlopsc.spec import Spec


def check_orchestrators(spec: Spec, targets: tuple[str, ...] | None, bag: Diagnostics) -> None:
    """Report pipelines whose orchestrator no target runs (E333) or, when ``targets`` is
    ``None`` (the default targets run), only a plugin target runs (W334).

    >>> from mlopsc.spec import Spec
    >>> bag = Diagnostics()
    >>> spec = Spec.model_validate({"apiVersion": "mlopsc/v1", "metadata": {"name": "x"},
    ...     "pipelines": {"p": {"orchestrator": "kubeflo", "steps": [{"name": "s",
    ...     "image": "busybox:1.36"}]}}})
    >>> check_orchestrators(spec, None, bag)
    >>> [(d.code, d.hint) for d in bag]
    [('E333', "did you mean 'kubeflow'?")]
    """
    claimed = registry.orchestrators()
    default = set(registry.default_targets())
    for name, pipeline in spec.pipelines.items():
        path = ("pipelines", name, "orchestrator")
        orchestrator = pipeline.orchestrator
        claimants = claimed.get(orchestrator)
        if claimants is None:
            bag.add("E333", f"pipeline {name!r}: no target runs orchestrator "
                    f"{orchestrator!r}", path=path, hint=_hint(orchestrator, claimed))
        elif targets is None and not default.intersection(claimants):
            plugins = ", ".join(claimants)
            bag.add("W334", f"pipeline {name!r}: orchestrator {orchestrator!r} is run only "
                    f"by the plugin target {plugins}, which a compile without --target leaves "
                    "out", path=path, hint=f"--target {claimants[0]} (with the other targets "
                    "you want)")


def _hint(orchestrator: str, claimed: Mapping[str, tuple[str, ...]]) -> str:
    guess = difflib.get_close_matches(orchestrator, list(claimed), n=1, cutoff=0.6)
    hint = (f"did you mean '{guess[0]}'?" if guess
            else f"orchestrators that targets claim: {', '.join(claimed) or 'none'}")
    broken = registry.broken_plugins()
    if broken:  # the plugin that claims it may be installed but fail to load
        hint += f" (not loaded: {'; '.join(broken.values())})"
    return hint
