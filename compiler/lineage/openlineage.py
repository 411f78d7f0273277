"""OpenLineage static metadata: a DatasetEvent per data contract, feature set and model, a
JobEvent per pipeline with its input and output datasets, built with openlineage-python.

Static events describe the spec, not a moment, yet the standard requires ``eventTime``: it is
SOURCE_DATE_EPOCH when set (the reproducible-builds convention) and the Unix epoch otherwise,
so the bytes never depend on the clock.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from mlopsc import __version__
from mlopsc.ir import IR, Dataset, FeatureSet, Model, Pipeline

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


def static_events(ir: IR, *, version: str = __version__) -> list[dict[str, Any]]:
    """Every event as JSON-ready data: datasets, feature sets, models, then jobs, by name;
    ``version`` is the mlopsc version named as their producer (``Options.version``)."""
    from openlineage.client.serde import Serde

    time, by = event_time(), producer(version)
    events = [*(_dataset_event(ir, d, time, by) for d in ir.datasets),
              *(_feature_set_event(ir, f, time, by) for f in ir.features),
              *(_model_event(ir, m, time, by) for m in ir.models),
              *(_job_event(ir, p, time, by) for p in ir.pipelines)]
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


def _dataset_event(ir: IR, dataset: Dataset, time: str, by: str) -> DatasetEvent:
    from openlineage.client.event_v2 import DatasetEvent, StaticDataset
    from openlineage.client.facet_v2 import schema_dataset

    facets = _common_facets(dataset.owner, dataset.description, by)
    facets["schema"] = schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields(
            name=f.name, type=f.type, description=f.description, ordinal_position=i + 1)
            for i, f in enumerate(dataset.fields)], producer=by)
    return DatasetEvent(eventTime=time, producer=by, dataset=StaticDataset(
        namespace=ir.name, name=f"datasets/{dataset.name}", facets=facets))


def _feature_set_event(ir: IR, feature_set: FeatureSet, time: str, by: str) -> DatasetEvent:
    from openlineage.client.event_v2 import DatasetEvent, StaticDataset
    from openlineage.client.facet_v2 import schema_dataset

    types = {f.name: f.type for f in ir.get(feature_set.dataset, Dataset).fields}
    facets = _common_facets(feature_set.owner, feature_set.description, by)
    facets["schema"] = schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields(
            name=name, type=types.get(name), ordinal_position=i + 1)
            for i, name in enumerate((feature_set.entity, *feature_set.features))],
        producer=by)
    return DatasetEvent(eventTime=time, producer=by, dataset=StaticDataset(
        namespace=ir.name, name=f"features/{feature_set.name}", facets=facets))


def _model_event(ir: IR, model: Model, time: str, by: str) -> DatasetEvent:
    from openlineage.client.event_v2 import DatasetEvent, StaticDataset

    return DatasetEvent(eventTime=time, producer=by, dataset=StaticDataset(
        namespace=ir.name, name=f"models/{model.name}",
        facets=_common_facets(model.owner, model.description, by)))


def _job_event(ir: IR, pipeline: Pipeline, time: str, by: str) -> JobEvent:
    from openlineage.client.event_v2 import InputDataset, Job, JobEvent, OutputDataset
    from openlineage.client.facet_v2 import job_type_job

    facets = _common_facets(pipeline.owner, pipeline.description, by, job=True)
    facets["jobType"] = job_type_job.JobTypeJobFacet(
        processingType="BATCH", integration=pipeline.orchestrator.upper(), jobType="DAG",
        producer=by)
    names = sorted({ref.dataset.partition(":")[2] for ref in pipeline.inputs}
                   | {t.dataset.partition(":")[2] for t in pipeline.triggers if t.dataset})
    outputs = [f"features/{f.partition(':')[2]}" for f in sorted(pipeline.feature_sets)]
    if pipeline.model:
        outputs.append(f"models/{pipeline.model.partition(':')[2]}")
    return JobEvent(eventTime=time, producer=by,
                    job=Job(namespace=ir.name, name=pipeline.name, facets=facets),
                    inputs=[InputDataset(namespace=ir.name, name=f"datasets/{n}") for n in names],
                    outputs=[OutputDataset(namespace=ir.name, name=n) for n in outputs])


def _facet_classes(job: bool) -> tuple[Any, Any, Any]:
    """(ownership facet, owner, documentation facet) classes for a job or a dataset: the
    two families have the same shape but distinct types."""
    if job:
        from openlineage.client.facet_v2 import documentation_job, ownership_job
        return (ownership_job.OwnershipJobFacet, ownership_job.Owner,
                documentation_job.DocumentationJobFacet)
    from openlineage.client.facet_v2 import documentation_dataset, ownership_dataset
    return (ownership_dataset.OwnershipDatasetFacet, ownership_dataset.Owner,
            documentation_dataset.DocumentationDatasetFacet)


def _common_facets(owner: str | None, description: str | None, by: str, *,
                   job: bool = False) -> dict[str, Any]:
    owner_facet, owner_type, doc_facet = _facet_classes(job)
    facets: dict[str, Any] = {}
    if owner:
        facets["ownership"] = owner_facet(owners=[owner_type(name=owner)], producer=by)
    if description:
        facets["documentation"] = doc_facet(description=description, producer=by)
    return facets
