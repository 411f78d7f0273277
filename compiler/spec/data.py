"""Data contracts (`datasets`) and feature sets (`features`)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from mlopsc.spec.common import (
    INT64_MAX,
    Duration,
    IsoDate,
    Owner,
    PositiveDuration,
    SpecModel,
    Text,
    Version,
)


class FieldType(StrEnum):
    string = "string"
    integer = "integer"
    float = "float"
    decimal = "decimal"
    boolean = "boolean"
    date = "date"
    timestamp = "timestamp"
    category = "category"
    binary = "binary"
    array = "array"
    struct = "struct"


class FeatureKind(StrEnum):
    continuous = "continuous"
    categorical = "categorical"


class Classification(StrEnum):
    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"


class DataFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    json = "json"
    avro = "avro"
    orc = "orc"
    delta = "delta"
    iceberg = "iceberg"
    table = "table"
    stream = "stream"


class ContractField(SpecModel):
    """One field (column) of a data contract."""

    name: str
    type: FieldType | None = None
    """The field's type; the default policy bundle requires one."""
    description: Text | None = None
    nullable: bool = False
    """Whether nulls are allowed; making a nullable field required is a breaking change."""
    min: float | None = None
    """Smallest allowed value (numbers)."""
    max: float | None = None
    """Largest allowed value (numbers)."""
    allowed_values: list[str | int | float | bool] | None = None
    """The closed set of allowed values (categories)."""
    kind: FeatureKind | None = None
    """`continuous` or `categorical`: picks the drift test (KS vs chi-squared)."""
    pii: bool = False
    """The field holds personal data."""
    classification: Classification | None = None
    """Data classification; required for PII fields by the default bundle."""
    purpose: Text | None = None
    """Why the field is processed (purpose limitation, GDPR art. 5(1)(b)); the default bundle
    requires it for PII that a model takes as input or trains on."""
    renamed_from: str | None = None
    """The field's previous name, when renamed (a breaking change)."""


class Freshness(SpecModel):
    max_age: PositiveDuration
    """How old the newest record may be before the data counts as stale."""
    timestamp_field: str | None = None
    """The field that holds the record time."""


class Volume(SpecModel):
    min_rows: int | None = Field(None, ge=0, le=INT64_MAX)
    max_rows: int | None = Field(None, ge=0, le=INT64_MAX)


class Retention(SpecModel):
    """How long records are kept, and whether a person's records can be erased on request."""

    period: Duration | None = None
    erasure: bool = False
    """Records of one person can be erased on request (GDPR art. 17, CCPA)."""


class QualityCheckKind(StrEnum):
    not_null = "not_null"
    unique = "unique"
    range = "range"
    allowed_values = "allowed_values"
    row_count = "row_count"
    freshness = "freshness"
    custom = "custom"


class QualityCheck(SpecModel):
    name: str
    check: QualityCheckKind
    field: str | None = None
    """The field checked, for field-level checks."""
    max_failure_ratio: float = Field(0.0, ge=0, le=1)
    """Share of failing rows tolerated before the check fails."""
    severity: str = "warning"
    description: Text | None = None


class Dataset(SpecModel):
    """A data contract: the promise a data producer makes to its consumers."""

    owner: Owner | None = None
    version: Version
    """Contract version; a breaking change needs a new major version."""
    description: Text | None = None
    location: str | None = None
    """Where the data lives (URI or table name)."""
    format: DataFormat | None = None
    fields: list[ContractField] = []
    freshness: Freshness | None = None
    volume: Volume | None = None
    retention: Retention | None = None
    deidentified: bool = False
    """The data has been de-identified (HIPAA safe harbour or expert determination)."""
    quality: list[QualityCheck] = []
    """Data quality checks a monitoring job runs on each new partition."""
    tags: list[str] = []


class FeatureSet(SpecModel):
    """A set of features drawn from one dataset, served online and/or offline."""

    owner: Owner | None = None
    version: Version
    description: Text | None = None
    source: str
    """The dataset the features come from."""
    entity: str
    """The entity key field (e.g. `customer_id`)."""
    features: list[str]
    """Fields of the source dataset that are features."""
    online: bool = False
    offline: bool = True
    ttl: PositiveDuration | None = None
    """How long an online feature value stays valid."""
    created: IsoDate | None = None
