"""How a target's files are applied: what a :class:`~mlopsc.target.TargetDeclaration`
says about its own output folder, for the generated index of the output directory
(``README.md`` and ``index.json``, see :mod:`mlopsc.output.index`).

A target states which tool takes its files, in which stage of a rollout, and the exact
commands, written as templates over the files it actually wrote. Commands run from the
output directory; in a template ``{path}`` is a matched file (relative to the output
directory), ``{dir}`` its folder and ``{name}`` its file name up to the first dot. Each
value is shell-quoted when substituted.

Example (a plugin that writes one Argo ``Workflow`` per pipeline)::

    HowToApply("submit each Workflow to Argo", 40,
               (ApplyStep("kubectl", "kubectl create -f {path}", each="*.yaml"),))
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = {
    20: "monitoring",
    30: "serving",
    40: "pipelines",
    90: "records",
}
"""The stages outputs are applied in (lower first), and their names. Monitoring comes
before serving because rollouts' analysis queries the recording rules; records (model
cards, lineage, the report) are published, not applied."""


@dataclass(frozen=True)
class ApplyStep:
    """One command applying (or checking) a target's files, run from the output directory.

    ``each``: a glob (``fnmatch``; ``*`` also matches ``/``) over paths relative to the
    target's folder: the command is written once per matching file, or once with no
    placeholder when ``each`` is empty. ``exclude``: globs whose matches are skipped.
    ``purpose`` says what the command does; ``when`` names the setup it is for (steps with
    different ``when`` are alternatives, e.g. plain Prometheus or the Prometheus Operator).
    """

    tool: str
    command: str
    each: str = ""
    exclude: tuple[str, ...] = ()
    purpose: str = ""
    when: str = ""


@dataclass(frozen=True)
class HowToApply:
    """What a target's folder is for and how it is applied: a summary for people, the
    ``stage`` it belongs to (a key of :data:`STAGES`; lower is applied first) and its
    :class:`ApplyStep` commands in order."""

    summary: str
    stage: int = 40
    steps: tuple[ApplyStep, ...] = ()

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage {self.stage} is not one of {sorted(STAGES)}")
