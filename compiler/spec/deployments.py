"""Deployments: a model version served in an environment, and how new versions roll out."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from mlopsc.spec.common import (
    INT32_MAX,
    Cron,
    Duration,
    EnvValue,
    Image,
    Owner,
    PositiveDuration,
    Resources,
    SecurityContext,
    SpecModel,
    Text,
)

IntOrPercent = (Annotated[int, Field(ge=0, le=INT32_MAX)]
                | Annotated[str, Field(pattern=r"^[0-9]{1,3}%$")])
"""Kubernetes' IntOrString as rolling updates read it: an int32 count or a percentage."""


class Mode(StrEnum):
    online = "online"
    batch = "batch"
    streaming = "streaming"


class Flavour(StrEnum):
    deployment = "deployment"
    """Plain Kubernetes Deployment (or Argo Rollout for progressive strategies)."""
    kserve = "kserve"
    """KServe InferenceService."""


class Strategy(StrEnum):
    rolling = "rolling"
    blue_green = "blue-green"
    canary = "canary"
    shadow = "shadow"
    ab = "ab"


class CanaryStep(SpecModel):
    weight: int
    """Percentage of traffic sent to the new version at this step."""
    pause: Duration | None = None
    """How long to wait before the next step; no pause means wait for a manual promotion."""


class Analysis(SpecModel):
    """Automated analysis that gates promotion, built from SLOs."""

    slos: list[str] = []
    """SLOs whose queries decide whether the new version is healthy."""
    interval: PositiveDuration = "1m"
    failure_limit: int = Field(1, ge=0, le=INT32_MAX)
    """Failed measurements tolerated before the rollout aborts."""
    count: int | None = Field(None, ge=1, le=INT32_MAX)
    """Measurements per analysis run."""


class RollbackOn(StrEnum):
    slo_breach = "slo_breach"
    error_rate = "error_rate"
    latency = "latency"
    drift = "drift"


class RollbackTrigger(SpecModel):
    """A condition that aborts the rollout and returns traffic to the stable version."""

    type: RollbackOn
    """What aborts the rollout."""
    slo: str | None = None
    """For `slo_breach`: the SLO."""
    monitor: str | None = None
    """For `drift`: the monitor."""
    threshold: float | None = None
    """For `error_rate` (ratio 0-1) and `latency` (seconds, p99)."""


class Match(SpecModel):
    """Routes requests that carry a header or cookie to the candidate."""

    header: str | None = None
    cookie: str | None = None
    value: str
    """Exact value to match."""


class Rollout(SpecModel):
    """How a new model version replaces the stable one.

    `canary` shifts traffic by `steps`; `blue-green` switches at once after analysis;
    `shadow` mirrors `mirror_percent` of requests to the candidate, which never answers
    users; `ab` routes requests that `match` (or `candidate_weight` percent) to the candidate.
    """

    strategy: Strategy = Strategy.rolling
    stable_version: str | None = None
    """The version serving users now (shadow, ab, canary)."""
    steps: list[CanaryStep] = []
    """Canary steps."""
    mirror_percent: float | None = None
    """Shadow: share of requests mirrored to the candidate."""
    mirror_of: str | None = None
    """Shadow: the deployment whose live traffic is mirrored (its route gets the mirror)."""
    match: Match | None = None
    """A/B: which requests go to the candidate."""
    candidate_weight: int | None = Field(None, le=INT32_MAX)
    """A/B: percentage of requests not matched that go to the candidate."""
    analysis: Analysis | None = None
    auto_promote: bool = False
    """Blue-green: promote without a manual step when analysis passes."""
    scale_down_delay: Duration | None = None
    """Blue-green: Argo Rollouts' `scaleDownDelaySeconds` for the old version; at least
    `rollback_window` (W565). Unset, the old version goes 30s after the window ends."""
    # Field(description=): the type's own description would hide a docstring in the schema.
    rollback_window: PositiveDuration = Field(
        "30m", description="Blue-green: how long after the switch the rollback triggers keep "
        "measuring the new version; the old version stays up until then, so an abort "
        "switches back at once.")
    rollback: list[RollbackTrigger] = []
    max_surge: IntOrPercent | None = None
    """Rolling: pods above the desired count during an update (a count or `25%`)."""
    max_unavailable: IntOrPercent | None = None
    """Rolling: pods that may be unavailable during an update (a count or `25%`)."""


class Router(StrEnum):
    istio = "istio"
    """An Istio VirtualService per online deployment."""
    gateway_api = "gateway-api"
    """A Kubernetes Gateway API HTTPRoute per online deployment, attached to `gateway`."""


class GatewayRef(SpecModel):
    """The Gateway API Gateway that a deployment's HTTPRoute attaches to (`parentRefs`)."""

    name: str
    namespace: str | None = None
    """Defaults to the HTTPRoute's own namespace."""


class Traffic(SpecModel):
    """Which traffic router splits, mirrors and matches requests of online deployments.

    Set on an environment for all its deployments; a deployment's own `traffic` overrides
    each field it sets.
    """

    router: Router | None = None
    """`istio` (the default) or `gateway-api`."""
    gateway: GatewayRef | None = None
    """With `gateway-api`: the Gateway the routes attach to."""


class Autoscaling(SpecModel):
    min_replicas: int = Field(ge=0, le=INT32_MAX)
    max_replicas: int = Field(ge=1, le=INT32_MAX)
    target_cpu_utilization: int | None = Field(None, ge=1, le=100)
    target_requests_per_second: float | None = Field(None, gt=0)


class PredictionLog(SpecModel):
    """Where the platform records a deployment's requests and predictions (record-keeping,
    EU AI Act art. 12 and 19). Declared for the gate and auditors; mlopsc does not configure
    the logger that writes there."""

    location: str = Field(min_length=1)
    """The log store (URI or table)."""
    retention: PositiveDuration
    """How long records are kept; the default bundle asks at least 183d of a high-risk model
    under the EU AI Act (REG-006)."""


class Probes(SpecModel):
    readiness_path: str = "/ready"
    liveness_path: str = "/health"
    initial_delay: Duration = "10s"


class Deployment(SpecModel):
    """A model version served in one environment."""

    model: str
    version: str | None = None
    """The model version deployed (the candidate during a rollout); defaults to the model's."""
    environment: str
    """One of the environments declared under `environments`."""
    owner: Owner | None = None
    description: Text | None = None
    mode: Mode = Mode.online
    """`online` (request/response), `batch` (scheduled scoring) or `streaming`."""
    flavour: Flavour = Flavour.deployment
    """How it is served on Kubernetes: plain workloads or a KServe InferenceService."""
    image: Image
    """The serving image."""
    command: list[Text] = []
    args: list[Text] = []
    env: dict[str, EnvValue] = {}
    """Environment variables: literal strings or Secret references."""
    port: int = Field(8080, ge=1, le=65535)
    """The port the server listens on."""
    resources: Resources | None = None
    replicas: int | None = Field(None, ge=0, le=INT32_MAX)
    """A fixed replica count (use `autoscaling` instead for online serving in production)."""
    autoscaling: Autoscaling | None = None
    """Horizontal autoscaling bounds and targets."""
    schedule: Cron | None = None
    """Batch scoring schedule."""
    probes: Probes | None = None
    prediction_log: PredictionLog | None = None
    """Where requests and predictions are recorded, and for how long."""
    rollout: Rollout = Rollout()
    """How new versions replace the serving one."""
    security: SecurityContext = SecurityContext()
    """Container security settings (secure by default)."""
    metrics_path: str = "/metrics"
    """Where Prometheus scrapes the server's metrics."""
    labels: dict[str, str] = {}
    """Extra labels on every object of the deployment."""
    traffic: Traffic | None = None
    """The traffic router, overriding the environment's `traffic` field by field."""
