"""OpenLineage facets of the static events, built with openlineage-python's facet classes.

Datasets carry ``schema`` (fields with type, description and position), ``version`` (the
contract's, feature set's or model's version), ``tags`` (the spec's tags, and per field
``pii`` and ``classification``: the schema facet's fields have no tags in the spec version
openlineage-python writes, so the tags facet names the field), ``ownership`` and
``documentation``. Jobs carry ``jobType``, ``ownership``, ``documentation`` and ``tags``.
A facet appears only when the spec gives what it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mlopsc.ir import Field

TAG_SOURCE = "MLOPSC"
"""The ``source`` of every tag mlopsc writes (the spec's examples: INTEGRATION, USER, SPARK)."""


def schema(fields: Iterable[tuple[str, str | None, str | None]], by: str) -> Any:
    """The ``schema`` facet of ``(name, type, description)`` fields, positions from 1."""
    from openlineage.client.facet_v2 import schema_dataset

    return schema_dataset.SchemaDatasetFacet(fields=[
        schema_dataset.SchemaDatasetFacetFields(name=name, type=kind, description=text,
                                                ordinal_position=i + 1)
        for i, (name, kind, text) in enumerate(fields)], producer=by)


def version(value: str | None, by: str) -> Any:
    """The dataset ``version`` facet, or None without a version."""
    from openlineage.client.facet_v2 import dataset_version_dataset

    if not value:
        return None
    return dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=value, producer=by)


def field_tags(fields: Sequence[Field]) -> list[tuple[str, str, str | None]]:
    """``(key, value, field)`` of every field's PII flag and classification, in field order.

    >>> field_tags([Field(name="email", type="string", pii=True, classification="secret")])
    [('pii', 'true', 'email'), ('classification', 'secret', 'email')]
    """
    tags: list[tuple[str, str, str | None]] = []
    for f in fields:
        if f.pii:
            tags.append(("pii", "true", f.name))
        if f.classification:
            tags.append(("classification", f.classification, f.name))
    return tags


def dataset_tags(labels: Iterable[str], fields: Sequence[Field], by: str) -> Any:
    """The dataset ``tags`` facet: each spec tag (value ``true``), then the field tags;
    None when there is none."""
    from openlineage.client.facet_v2 import tags_dataset

    tags = [(label, "true", None) for label in labels] + field_tags(fields)
    if not tags:
        return None
    return tags_dataset.TagsDatasetFacet(tags=[
        tags_dataset.TagsDatasetFacetFields(key=key, value=value, source=TAG_SOURCE, field=field)
        for key, value, field in tags], producer=by)


def job_tags(labels: Iterable[str], by: str) -> Any:
    """The job ``tags`` facet of the spec's tags, or None without tags."""
    from openlineage.client.facet_v2 import tags_job

    tags = [tags_job.TagsJobFacetFields(key=label, value="true", source=TAG_SOURCE)
            for label in labels]
    return tags_job.TagsJobFacet(tags=tags, producer=by) if tags else None


def job_type(processing: str, integration: str, kind: str, by: str) -> Any:
    """The ``jobType`` facet, e.g. ``("BATCH", "AIRFLOW", "DAG")``."""
    from openlineage.client.facet_v2 import job_type_job

    return job_type_job.JobTypeJobFacet(processingType=processing, integration=integration,
                                        jobType=kind, producer=by)


def _classes(job: bool) -> tuple[Any, Any, Any]:
    """(ownership facet, owner, documentation facet) classes for a job or a dataset: the
    two families have the same shape but distinct types."""
    if job:
        from openlineage.client.facet_v2 import documentation_job, ownership_job
        return (ownership_job.OwnershipJobFacet, ownership_job.Owner,
                documentation_job.DocumentationJobFacet)
    from openlineage.client.facet_v2 import documentation_dataset, ownership_dataset
    return (ownership_dataset.OwnershipDatasetFacet, ownership_dataset.Owner,
            documentation_dataset.DocumentationDatasetFacet)


def common(owner: str | None, description: str | None, by: str, *,
           job: bool = False, **more: Any) -> dict[str, Any]:
    """``ownership`` and ``documentation`` when the spec gives them, plus ``more`` facets
    by key (those that are None left out)."""
    owner_facet, owner_type, doc_facet = _classes(job)
    facets: dict[str, Any] = {}
    if owner:
        facets["ownership"] = owner_facet(owners=[owner_type(name=owner)], producer=by)
    if description:
        facets["documentation"] = doc_facet(description=description, producer=by)
    facets.update((key, facet) for key, facet in more.items() if facet is not None)
    return facets
