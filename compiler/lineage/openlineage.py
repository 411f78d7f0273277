"""OpenLineage static metadata: a DatasetEvent per data contract, feature set and model, a
JobEvent per pipeline, deployment, SLO and monitor (and per feature set or model that no
pipeline makes) with its input and output datasets, built with openlineage-python.

Every edge of the lineage graph appears as a job's input or output (see
:mod:`mlopsc.lineage.ol_jobs`); datasets with a location are named as the OpenLineage naming
spec says (:mod:`mlopsc.lineage.naming`), so the static events join the runtime events of
the Airflow, Spark or dbt integrations.

Static events describe the spec, not a moment, yet the standard requires ``eventTime``: it is
SOURCE_DATE_EPOCH when set (the reproducible-builds convention) and the Unix epoch otherwise,
so the bytes never depend on the clock.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from mlopsc import __version__
from mlopsc.ir import IR, Dataset, Deployment, FeatureSet, Model, Monitor, Pipeline, Slo
from mlopsc.lineage import ol_facets as facets
from mlopsc.lineage.naming import Name, entity_name
from mlopsc.lineage.ol_jobs import BUILD, PREDICTIONS, JobIO, job_io

if TYPE_CHECKING:
    from openlineage.client.event_v2 import DatasetEvent, JobEvent


def producer(version: str = __version__) -> str:
    """The OpenLineage ``producer``: this mlopsc release, e.g. ``urn:mlopsc:0.1.0``."""
    return f"urn:mlopsc:{version}"


def event_time() -> str:
    """SOURCE_DATE_EPOCH as an ISO 8601 UTC time; the Unix epoch when it is unset."""
    from mlopsc.source_date import source_date_epoch

    moment = source_date_epoch() or datetime.datetime.fromtimestamp(0, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def name_of(ir: IR, node_id: str) -> Name:
    """The OpenLineage ``(namespace, name)`` of a lineage node, a build job or a
    deployment's predictions."""
    if node_id.startswith(PREDICTIONS):
        return ir.name, f"deployments/{node_id.removeprefix(PREDICTIONS)}/predictions"
    if node_id.startswith(BUILD):
        target = node_id.removeprefix(BUILD)
        verb = "train" if target.startswith("model:") else "build"
        return ir.name, f"{entity_name(ir.name, target)[1]}/{verb}"
    location = ir.get(node_id, Dataset).location if node_id.startswith("dataset:") else None
    return entity_name(ir.name, node_id, location)


def static_events(ir: IR, *, version: str = __version__) -> list[dict[str, Any]]:
    """Every event as JSON-ready data: datasets, feature sets, models, then jobs (pipelines,
    build jobs, deployments, SLOs, monitors), each group by name; ``version`` is the mlopsc
    version named as their producer (``Options.version``)."""
    from openlineage.client.serde import Serde

    from mlopsc.passes.build_lineage import lineage_edges

    time, by = event_time(), producer(version)
    jobs = [n.id for n in (*ir.pipelines, *ir.deployments, *ir.slos, *ir.monitors)]
    table = job_io(jobs, lineage_edges(ir))
    order = {"pipeline": 0, "build": 1, "deployment": 2, "slo": 3, "monitor": 4}
    events = [*(_dataset_event(ir, d, time, by) for d in ir.datasets),
              *(_feature_set_event(ir, f, time, by) for f in ir.features),
              *(_model_event(ir, m, time, by) for m in ir.models),
              *(_job_event(ir, table[job], time, by) for job in sorted(
                  table, key=lambda j: (order[j.partition(":")[0]], name_of(ir, j))))]
    return [Serde.to_dict(event) for event in events]


def render(ir: IR, *, version: str = __version__) -> bytes:
    """The events as one JSON document per line (the OpenLineage file transport's format)."""
    lines = [_one_line(json.dumps(event, sort_keys=True, ensure_ascii=False))
             for event in static_events(ir, version=version)]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _one_line(text: str) -> str:
    # JSON may hold these raw inside strings, but many line readers (Python's splitlines
    # among them) end a line at them; as escapes every event stays on its one line.
    return text.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace(
        "\u2029", "\\u2029")


def _static(ir: IR, node_id: str, time: str, by: str, more: dict[str, Any]) -> DatasetEvent:
    from openlineage.client.event_v2 import DatasetEvent, StaticDataset

    namespace, name = name_of(ir, node_id)
    return DatasetEvent(eventTime=time, producer=by, dataset=StaticDataset(
        namespace=namespace, name=name, facets=more))


def _dataset_event(ir: IR, dataset: Dataset, time: str, by: str) -> DatasetEvent:
    return _static(ir, dataset.id, time, by, facets.common(
        dataset.owner, dataset.description, by,
        schema=facets.schema(((f.name, f.type, f.description) for f in dataset.fields), by),
        version=facets.version(dataset.version, by),
        tags=facets.dataset_tags(dataset.tags, dataset.fields, by)))


def _feature_set_event(ir: IR, feature_set: FeatureSet, time: str, by: str) -> DatasetEvent:
    # The entity key, then the features, typed and tagged as in the source dataset.
    source = {f.name: f for f in ir.get(feature_set.dataset, Dataset).fields}
    names = (feature_set.entity, *feature_set.features)
    fields = [source[n] for n in names if n in source]
    return _static(ir, feature_set.id, time, by, facets.common(
        feature_set.owner, feature_set.description, by,
        schema=facets.schema(((n, source[n].type if n in source else None, None)
                              for n in names), by),
        version=facets.version(feature_set.version, by),
        tags=facets.dataset_tags((), fields, by)))


def _model_event(ir: IR, model: Model, time: str, by: str) -> DatasetEvent:
    return _static(ir, model.id, time, by, facets.common(
        model.owner, model.description, by, version=facets.version(model.version, by),
        tags=facets.dataset_tags(model.tags, model.input_schema, by)))


def _job_event(ir: IR, io: JobIO, time: str, by: str) -> JobEvent:
    from openlineage.client.event_v2 import InputDataset, Job, JobEvent, OutputDataset

    namespace, name = name_of(ir, io.id)
    inputs = sorted(name_of(ir, i) for i in io.inputs)
    outputs = sorted(name_of(ir, o) for o in io.outputs)
    return JobEvent(eventTime=time, producer=by,
                    job=Job(namespace=namespace, name=name, facets=_job_facets(ir, io.id, by)),
                    inputs=[InputDataset(namespace=n, name=d) for n, d in inputs],
                    outputs=[OutputDataset(namespace=n, name=d) for n, d in outputs])


def _job_facets(ir: IR, job: str, by: str) -> dict[str, Any]:
    kind = job.partition(":")[0]
    if kind == "pipeline":
        p = ir.get(job, Pipeline)
        return facets.common(p.owner, p.description, by, job=True, jobType=facets.job_type(
            "BATCH", p.orchestrator.upper(), "DAG", by), tags=facets.job_tags(p.tags, by))
    if kind == "deployment":
        d = ir.get(job, Deployment)
        # The jobType facet's processing types: an online model server is a SERVICE.
        processing = {"batch": "BATCH", "streaming": "STREAMING"}.get(d.mode, "SERVICE")
        return facets.common(d.owner, d.description, by, job=True, jobType=facets.job_type(
            processing, "KUBERNETES", "DEPLOYMENT", by))
    if kind == "slo":
        slo = ir.get(job, Slo)
        return facets.common(None, slo.description, by, job=True, jobType=facets.job_type(
            "STREAMING", "PROMETHEUS", "SLO", by))
    if kind == "monitor":
        monitor = ir.get(job, Monitor)
        return facets.common(monitor.owner, None, by, job=True, jobType=facets.job_type(
            "STREAMING", "PROMETHEUS", "MONITOR", by))
    target = ir.get(job.removeprefix(BUILD))  # a build job: its target's owner
    what = "MODEL" if isinstance(target, Model) else "FEATURE_SET"
    return facets.common(getattr(target, "owner", None), None, by, job=True,
                         jobType=facets.job_type("BATCH", "MLOPSC", what, by))
