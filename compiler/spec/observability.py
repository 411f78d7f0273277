"""Service level objectives (`slos`) and monitors (`monitors`)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from mlopsc.spec.common import (
    Duration,
    Link,
    Owner,
    PositiveDuration,
    Regex,
    Routing,
    Severity,
    SpecModel,
    Text,
)


class SliType(StrEnum):
    availability = "availability"
    error_ratio = "error_ratio"
    latency = "latency"


class Sli(SpecModel):
    """What is measured, from Prometheus metrics the service exports.

    Queries are built by mlopsc from these names, so no spec string becomes raw PromQL.
    `availability` and `error_ratio` count `errors` among all requests of a counter;
    `latency` counts requests slower than `threshold` from a histogram.
    """

    type: SliType
    metric: str
    """Counter of requests (availability, error_ratio) or histogram base name (latency)."""
    selector: dict[str, str] = {}
    """Label equality matchers selecting the service's series."""
    error_selector: dict[str, Regex] = {"code": "5.."}
    """Label regex matchers selecting failed requests (availability, error_ratio)."""
    threshold: float | None = Field(None, gt=0)
    """Latency: seconds; must equal a histogram bucket bound."""


class AlertTier(SpecModel):
    """One burn-rate alert of the multi-window, multi-burn-rate scheme."""

    name: str
    severity: Severity
    burn_rate: float = Field(gt=0)
    long_window: PositiveDuration
    short_window: PositiveDuration
    enabled: bool = True


class Receivers(SpecModel):
    """Alertmanager receivers per alert tier: a page wakes someone, a ticket waits."""

    page: str | None = None
    """Receiver of the page tiers (severity `critical`); default `routing.receiver`."""
    ticket: str | None = None
    """Receiver of the ticket tiers (any other severity); default none: ticket alerts carry
    no `receiver` label, so Alertmanager routes them by `team` and `severity`, never to the
    pager."""


class Alerting(SpecModel):
    page: bool = True
    """Raise the page tiers."""
    ticket: bool = True
    """Raise the ticket tiers."""
    tiers: list[AlertTier] | None = None
    """Replace the default tiers (scaled from the SRE workbook's 30-day tiers)."""
    runbook: Link | None = None
    routing: Routing | None = None
    receivers: Receivers = Receivers()
    """Receivers per tier; `routing.receiver` is the page receiver's default."""


class Slo(SpecModel):
    """A service level objective of one deployment."""

    deployment: str
    description: Text | None = None
    sli: Sli
    objective: float
    """Target percentage of good events, e.g. `99.9`."""
    period: PositiveDuration = "30d"
    """The SLO period (compliance window)."""
    alerting: Alerting = Alerting()


class MonitorType(StrEnum):
    data_drift = "data_drift"
    concept_drift = "concept_drift"
    performance = "performance"
    data_quality = "data_quality"
    freshness = "freshness"


class DriftMethod(StrEnum):
    psi = "psi"
    ks = "ks"
    chi_squared = "chi_squared"
    js = "js"


class FeatureDrift(SpecModel):
    name: str
    """A field of the reference dataset."""
    method: DriftMethod | None = None
    threshold: float | None = Field(None, ge=0)


class Monitor(SpecModel):
    """A check on a deployed model or a dataset that raises an alert."""

    type: MonitorType
    deployment: str | None = None
    """The deployment watched (drift, performance)."""
    dataset: str | None = None
    """The reference dataset (drift) or the dataset checked (quality, freshness)."""
    features: list[str | FeatureDrift] = []
    method: DriftMethod | None = None
    """Default drift method of the features."""
    threshold: float | None = Field(None, ge=0)
    """Default alert threshold (drift score, or metric bound for performance)."""
    metric: str | None = None
    """Performance / concept drift: the model metric watched."""
    window: PositiveDuration = "1d"
    for_: Duration = Field("0m", alias="for")
    """How long the condition must hold before the alert fires."""
    severity: Severity = Severity.warning
    routing: Routing | None = None
    runbook: Link | None = None
    owner: Owner | None = None
