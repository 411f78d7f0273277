"""Building blocks shared by every section of the spec."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mlopsc.spec import field_docs


class ValueKind(str):
    """Marks a string field whose content has its own syntax, checked by ``check_values``."""


DURATION, POSITIVE_DURATION, CRON, QUANTITY, IMAGE, VERSION, DATE, REGEX, LINK = (
    ValueKind(k) for k in ("duration", "positive_duration", "cron", "quantity", "image",
                           "version", "date", "regex", "link")
)


class Multiline:
    """Marks free text (descriptions, arguments): it may hold line breaks and tabs.

    Every other string of the spec is single-line and may hold no control character at all
    (``check_text`` walks them all).
    """

    def __repr__(self) -> str:
        return "MULTILINE"


MULTILINE = Multiline()
INT32_MAX = 2**31 - 1
"""Replicas, ports, counts and user ids land in Kubernetes int32 fields."""
INT64_MAX = 2**63 - 1


class SpecModel(BaseModel):
    """Base of every spec model: unknown fields are errors, docstrings document fields."""

    # Field docstrings reach the JSON Schema through field_docs, only when it is made.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=field_docs.add_to_schema,
        str_strip_whitespace=False,
        validate_default=False,
        # YAML's .nan/.inf/-.inf: no policy input (JSON) or comparison can hold them.
        allow_inf_nan=False,
    )


Duration = Annotated[
    str,
    Field(
        description="A duration: a number and a unit (ms, s, m, h, d, w), e.g. `30s`, `1h30m`.",
        json_schema_extra={"pattern": r"^([0-9]+(ms|s|m|h|d|w))+$"},
    ),
    DURATION,
]
PositiveDuration = Annotated[
    str,
    Field(
        description="A duration longer than zero: a number and a unit (ms, s, m, h, d, w), "
                    "e.g. `30s`, `1h30m`.",
        json_schema_extra={"pattern": r"^([0-9]+(ms|s|m|h|d|w))+$"},
    ),
    POSITIVE_DURATION,
]
Text = Annotated[str, MULTILINE]
"""Free text: line breaks and tabs allowed, no other control character."""
Cron = Annotated[
    str,
    Field(description="A five-field cron expression or a macro such as `@daily`."),
    CRON,
]
Quantity = Annotated[
    str | int | float,
    Field(description="A Kubernetes quantity: cpu like `500m` or `2`, memory like `512Mi` "
                      "(ASCII digits; suffix n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e<N>)."),
    QUANTITY,
]
Image = Annotated[
    str,
    Field(description="A container image, pinned by tag or, better, by digest `@sha256:...`."),
    IMAGE,
]
Version = Annotated[
    str,
    Field(description="A semantic version `MAJOR.MINOR.PATCH` (quote it in YAML)."),
    VERSION,
]
IsoDate = Annotated[str, Field(description="An ISO 8601 date, `YYYY-MM-DD`."), DATE]
Regex = Annotated[str, Field(description="A regular expression (RE2 syntax)."), REGEX]
Link = Annotated[
    str,
    Field(min_length=1, description="An `https://` or `http://` URL, or a reference without "
                                    "a scheme (a document id or a relative path)."),
    LINK,
]
Owner = Annotated[
    str,
    Field(min_length=1,
          description="The accountable team or person (e.g. `team-fraud` or an email)."),
]


class Severity(StrEnum):
    critical = "critical"
    warning = "warning"
    info = "info"


class Routing(SpecModel):
    """Where alerts go: labels Alertmanager routes on."""

    team: str | None = None
    """The team label on alerts."""
    receiver: str | None = None
    """An Alertmanager receiver name."""
    labels: dict[str, str] = {}
    """Extra routing labels."""


class SecretRef(SpecModel):
    """A value taken from a Kubernetes Secret: never the secret itself."""

    secret: str
    """The Secret's name."""
    key: str
    """The key within the Secret."""


EnvValue = Text | SecretRef


class GpuRequest(SpecModel):
    count: int = Field(1, ge=1, le=64)
    """How many accelerators."""
    type: str | None = None
    """The accelerator type, e.g. `nvidia-tesla-t4` (a node label value)."""


class Resources(SpecModel):
    """Compute resources of a container."""

    cpu: Quantity | None = None
    """CPU request (e.g. `500m`)."""
    memory: Quantity | None = None
    """Memory request (e.g. `1Gi`)."""
    cpu_limit: Quantity | None = None
    """CPU limit; defaults to no limit."""
    memory_limit: Quantity | None = None
    """Memory limit; defaults to the request."""
    gpu: GpuRequest | None = None
    """Accelerators."""


class SecurityContext(SpecModel):
    """Container security settings. The defaults are the secure ones."""

    run_as_non_root: bool = True
    run_as_user: int | None = Field(None, ge=0, le=INT32_MAX)
    """A fixed user id; 0 (root) is refused by the default policy bundle."""
    privileged: bool = False
    host_network: bool = False
    read_only_root_filesystem: bool = True
    allow_privilege_escalation: bool = False


Labels = dict[str, str]
