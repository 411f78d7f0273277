"""Which OpenLineage jobs read and write which datasets, derived from the lineage edges.

OpenLineage draws lineage only through jobs: a job's inputs and outputs are datasets, and
consumers (Marquez, DataHub) draw ``input -> job -> output``. So every edge of the lineage
graph is turned into job inputs and outputs:

- data kinds (dataset, feature set, model) are OpenLineage datasets; pipelines,
  deployments, SLOs and monitors are jobs;
- data -> job (``input_of``, ``deployed_as``, ``reference_for``): an input of the job;
  job -> data (``produces``): an output of the job;
- data -> data (``derives``, ``trained_on``): an input of every pipeline that produces the
  target (the pipeline that builds a feature set reads its source; the pipeline that trains
  a model reads its training data and feature sets); when no pipeline produces the target,
  a job of its own (``features/F/build``, ``models/M/train``) reads the source and writes
  the target;
- job -> job (``measured_by``, ``monitored_by``: a deployment watched by an SLO or a
  monitor): the deployment writes its predictions (``deployments/D/predictions``), which
  the SLO or monitor reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlopsc.passes.build_lineage import Edge

DATA_KINDS = ("dataset", "feature-set", "model")
"""Lineage node kinds that are OpenLineage datasets; the others are jobs."""

PREDICTIONS = "predictions:"
"""Prefix of the id of a deployment's predictions (a dataset the lineage graph has not)."""

BUILD = "build:"
"""Prefix of the id of a job that builds a feature set or trains a model no pipeline makes."""


@dataclass
class JobIO:
    """A job's node id (or ``build:<target id>``) and the data ids it reads and writes."""

    id: str
    inputs: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)


def is_data(node_id: str) -> bool:
    """True for a node that OpenLineage sees as a dataset."""
    return node_id.partition(":")[0] in DATA_KINDS or node_id.startswith(PREDICTIONS)


def job_io(jobs: list[str], edges: list[Edge]) -> dict[str, JobIO]:
    """Every job (``jobs``, then the build jobs the edges need) with its inputs and outputs.

    >>> io = job_io(["pipeline:p"], [("dataset:d", "feature-set:f", "derives")])
    >>> sorted(io), io["build:feature-set:f"].inputs
    (['build:feature-set:f', 'pipeline:p'], {'dataset:d'})
    """
    table = {job: JobIO(job) for job in jobs}
    producers: dict[str, list[str]] = {}
    for source, target, relation in edges:
        if relation == "produces":
            producers.setdefault(target, []).append(source)
    for source, target, _ in sorted(edges):
        if is_data(source) and is_data(target):
            for job in producers.get(target) or [BUILD + target]:
                io = table.setdefault(job, JobIO(job))
                io.inputs.add(source)
                io.outputs.add(target)
        elif is_data(source):
            table[target].inputs.add(source)
        elif is_data(target):
            table[source].outputs.add(target)
        else:
            served = PREDICTIONS + source.partition(":")[2]
            table[source].outputs.add(served)
            table[target].inputs.add(served)
    return table
