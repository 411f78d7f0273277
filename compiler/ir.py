"""The intermediate representation: the spec, resolved, with stable ids. Targets read only this.

Every entity is a frozen record with an ``id`` (``kind:name``, stable across runs), its
``name`` and ``path``: the spec path where it is defined, so a finding about it maps back to
the user's line. Durations are seconds (``*_s``); references are ids; collections are tuples
in name order; enumerations are plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


# A named decorator (not a bare assignment) so that type checkers see these records as
# keyword-only frozen dataclasses and check every constructor call.
@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def frozen(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen, slotted, keyword-only dataclass."""
    return dataclass(frozen=True, slots=True, kw_only=True)(cls)


@frozen
class Node:
    id: str
    name: str
    path: str


_N = TypeVar("_N", bound=Node)


# ---------------------------------------------------------------- shared pieces
@frozen
class Resources:
    cpu: str | None = None
    memory: str | None = None
    cpu_limit: str | None = None
    memory_limit: str | None = None
    gpu_count: int = 0
    gpu_type: str | None = None


@frozen
class Security:
    run_as_non_root: bool = True
    run_as_user: int | None = None
    privileged: bool = False
    host_network: bool = False
    read_only_root_filesystem: bool = True
    allow_privilege_escalation: bool = False


@frozen
class EnvVar:
    """A container environment variable: a literal ``value`` or a Secret reference."""

    name: str
    value: str | None = None
    secret: str | None = None
    secret_key: str | None = None


@frozen
class Routing:
    team: str | None = None
    receiver: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- data
@frozen
class Field:
    name: str
    type: str | None
    nullable: bool = False
    description: str | None = None
    min: float | None = None
    max: float | None = None
    allowed_values: tuple[Any, ...] | None = None
    kind: str | None = None
    pii: bool = False
    classification: str | None = None
    renamed_from: str | None = None
    purpose: str | None = None


@frozen
class QualityCheck:
    name: str
    check: str
    field: str | None
    max_failure_ratio: float
    severity: str
    description: str | None = None


@frozen
class Dataset(Node):
    owner: str | None
    version: str
    description: str | None
    location: str | None
    format: str | None
    fields: tuple[Field, ...]
    freshness_max_age_s: float | None
    freshness_field: str | None
    min_rows: int | None
    max_rows: int | None
    retention_s: float | None
    erasure: bool
    deidentified: bool
    personal_data: bool
    """Derived: some field is PII."""
    quality: tuple[QualityCheck, ...]
    tags: tuple[str, ...]


@frozen
class FeatureSet(Node):
    owner: str | None
    version: str
    description: str | None
    dataset: str
    entity: str
    features: tuple[str, ...]
    online: bool
    offline: bool
    ttl_s: float | None


# ---------------------------------------------------------------- pipelines
@frozen
class Retry:
    limit: int
    backoff_s: float | None = None
    backoff_factor: float | None = None
    max_backoff_s: float | None = None


@frozen
class StepInput:
    name: str
    step: str
    output: str


@frozen
class Result:
    """A small value a step writes as JSON text to ``$(results.NAME)``."""

    name: str
    type: str
    """``string``, ``integer``, ``float`` or ``boolean``."""


@frozen
class Condition:
    """Run the step only when ``step``'s ``result`` equals ``value`` (differs, ``negate``)."""

    step: str
    """The name of an upstream step of the same pipeline."""
    result: str
    value: str | int | float | bool
    negate: bool = False


@frozen
class Step:
    id: str
    name: str
    path: str
    display_name: str | None
    description: str | None
    image: str
    command: tuple[str, ...]
    args: tuple[str, ...]
    env: tuple[EnvVar, ...]
    resources: Resources | None
    retry: Retry | None
    timeout_s: float | None
    cache: bool
    upstream: tuple[str, ...]
    """Every step this one waits for (``after`` and input producers), sorted."""
    inputs: tuple[StepInput, ...]
    outputs: tuple[str, ...]
    results: tuple[Result, ...]
    when: Condition | None
    node_selector: dict[str, str]
    security: Security
    tolerations: tuple[Toleration, ...] = ()
    volumes: tuple[Volume, ...] = ()
    for_each: ForEach | None = None
    affinity: Affinity | None = None


@frozen
class Volume:
    """A volume in a step's container: a claim (``pvc``) or an emptyDir."""

    name: str
    mount_path: str
    pvc: str | None = None
    memory: bool = False
    """An emptyDir on tmpfs (``medium: Memory``)."""
    size_limit: str | int | float | None = None
    """A Kubernetes quantity as written (``1Gi``, or a plain number of bytes)."""


@frozen
class NodeMatch:
    key: str
    operator: str
    """``In``, ``NotIn``, ``Exists``, ``DoesNotExist``, ``Gt`` or ``Lt``."""
    values: tuple[str, ...] = ()


@frozen
class PreferredNodes:
    weight: int
    match: tuple[NodeMatch, ...]


@frozen
class Affinity:
    """A step pod's placement: ``required`` node conditions (all hold), ``preferred`` node
    terms by weight, and ``spread_key`` (the topology key its pods spread over, if any)."""

    required: tuple[NodeMatch, ...] = ()
    preferred: tuple[PreferredNodes, ...] = ()
    spread_key: str | None = None
    spread_required: bool = False


@frozen
class FailureNotice:
    """Post to ``webhook`` (an Airflow connection id / a Kubernetes Secret) when a run fails."""

    webhook: str
    secret_key: str = "url"
    message: str | None = None


@frozen
class Toleration:
    key: str
    value: str | None = None
    effect: str | None = None
    """``None``: every effect."""


@frozen
class ArtifactStore:
    """Where Airflow steps pass artifacts: an object-store root ``uri`` or a shared ``pvc``
    mounted at ``mount_path``."""

    uri: str | None = None
    pvc: str | None = None
    mount_path: str = "/mlopsc/artifacts"


@frozen
class ForEach:
    """Fan-out: the step runs once per item of the ``list`` parameter ``parameter``,
    at most ``parallelism`` at once (``None``: no limit)."""

    parameter: str
    parallelism: int | None = None


@frozen
class Parameter:
    name: str
    type: str
    default: str | int | float | bool | tuple[str, ...] | None
    """A ``list`` parameter's default is a tuple of strings."""
    description: str | None = None


@frozen
class Trigger:
    type: str
    dataset: str | None = None
    monitor: str | None = None


@frozen
class DatasetRef:
    dataset: str
    version: str


@frozen
class Pipeline(Node):
    owner: str | None
    description: str | None
    orchestrator: str
    schedule: str | None
    triggers: tuple[Trigger, ...]
    parameters: tuple[Parameter, ...]
    inputs: tuple[DatasetRef, ...]
    steps: tuple[Step, ...]
    """In a topological order (ties broken by spec order)."""
    model: str | None
    feature_sets: tuple[str, ...]
    """Ids of the feature sets the pipeline computes."""
    timeout_s: float | None
    tags: tuple[str, ...]
    max_active_runs: int
    timezone: str = "UTC"
    namespace: str | None = None
    """The namespace of the environment compiled for (``--env``), if any."""
    service_account: str | None = None
    image_pull_secrets: tuple[str, ...] = ()
    artifact_store: ArtifactStore | None = None
    on_failure: FailureNotice | None = None


# ---------------------------------------------------------------- models
@frozen
class StageRecord:
    stage: str
    version: str
    date: str


@frozen
class Approval:
    by: str
    role: str
    date: str
    stage: str | None = None
    version: str | None = None


@frozen
class Training:
    pipeline: str | None
    datasets: tuple[DatasetRef, ...]
    feature_sets: tuple[str, ...]
    """Ids of the feature sets the model is trained on."""
    code_version: str | None
    image: str | None
    continuous: bool


@frozen
class Metric:
    name: str
    value: float | None
    threshold: float | None
    baseline: float | None
    higher_is_better: bool


@frozen
class FairnessMetric:
    name: str
    threshold: float
    value: float | None
    higher_is_better: bool


@frozen
class Fairness:
    protected_attributes: tuple[str, ...]
    metrics: tuple[FairnessMetric, ...]
    disparate_impact_tested: bool
    assessment: str | None


@frozen
class Explainability:
    method: str
    per_decision: bool


@frozen
class HumanOversight:
    description: str
    reviewers: tuple[str, ...]


@frozen
class ModelCard:
    intended_use: str | None = None
    out_of_scope_use: str | None = None
    limitations: str | None = None
    ethical_considerations: str | None = None
    fairness_assessment: str | None = None
    maintenance: str | None = None
    caveats: str | None = None


@frozen
class Model(Node):
    owner: str | None
    version: str
    description: str | None
    framework: str | None
    task: str | None
    artifact_uri: str | None
    artifact_encrypted: bool
    stage: str
    history: tuple[StageRecord, ...]
    risk_tier: str | None
    card: ModelCard
    training: Training
    input_schema: tuple[Field, ...]
    schema_version: str | None
    metrics: tuple[Metric, ...]
    fairness: Fairness | None
    explainability: Explainability | None
    human_oversight: HumanOversight | None
    approvals: tuple[Approval, ...]
    regulations: tuple[str, ...]
    """The model's own regulations and those in force for every model, sorted."""
    risk_assessment: str | None
    tags: tuple[str, ...]
    labels: dict[str, str]


# ---------------------------------------------------------------- deployments
@frozen
class CanaryStep:
    weight: int
    pause_s: float | None


@frozen
class Analysis:
    slos: tuple[str, ...]
    interval_s: float
    failure_limit: int
    count: int | None


@frozen
class RollbackTrigger:
    type: str
    slo: str | None = None
    monitor: str | None = None
    threshold: float | None = None


@frozen
class Match:
    header: str | None
    cookie: str | None
    value: str


@frozen
class Rollout:
    strategy: str
    stable_version: str | None
    steps: tuple[CanaryStep, ...]
    mirror_percent: float | None
    match: Match | None
    candidate_weight: int | None
    analysis: Analysis | None
    auto_promote: bool
    scale_down_delay_s: float | None
    rollback: tuple[RollbackTrigger, ...]
    max_surge: str | int | None
    max_unavailable: str | int | None
    mirror_of: str | None = None
    """Shadow: the name of the deployment whose client-facing route mirrors to this one."""
    rollback_window_s: float | None = None
    """Blue-green: how long the rollback triggers watch the new version after the switch."""


@frozen
class Autoscaling:
    min_replicas: int
    max_replicas: int
    target_cpu_utilization: int | None
    target_requests_per_second: float | None


@frozen
class PredictionLog:
    location: str
    retention_s: float


@frozen
class Probes:
    readiness_path: str
    liveness_path: str
    initial_delay_s: float


@frozen
class Traffic:
    """Which router serves an online deployment's traffic, and the Gateway it attaches to."""

    router: str = "istio"
    """``istio`` or ``gateway-api``."""
    gateway_name: str | None = None
    gateway_namespace: str | None = None
    path: str | None = None
    """Where the router was chosen (``deployments.X.traffic`` or ``environments.E.traffic``)."""


@frozen
class Deployment(Node):
    model: str
    model_name: str
    version: str
    """The model version deployed (the candidate during a rollout)."""
    environment: str
    environment_tier: str
    """The tier of ``environment`` (``production`` when the environment is unknown)."""
    namespace: str
    owner: str | None
    description: str | None
    mode: str
    flavour: str
    image: str
    command: tuple[str, ...]
    args: tuple[str, ...]
    env: tuple[EnvVar, ...]
    port: int
    resources: Resources | None
    replicas: int | None
    autoscaling: Autoscaling | None
    schedule: str | None
    probes: Probes | None
    rollout: Rollout
    security: Security
    metrics_path: str
    labels: dict[str, str]
    risk_tier: str | None
    slos: tuple[str, ...]
    """Ids of the SLOs of this deployment."""
    monitors: tuple[str, ...]
    """Ids of the monitors watching this deployment."""
    prediction_log: PredictionLog | None = None
    traffic: Traffic = field(default_factory=Traffic)
    """The traffic router: the deployment's ``traffic``, then its environment's."""


# ---------------------------------------------------------------- observability
@frozen
class Sli:
    type: str
    metric: str
    selector: dict[str, str]
    error_selector: dict[str, str]
    threshold: float | None


@frozen
class AlertTier:
    name: str
    severity: str
    burn_rate: float
    long_window_s: float
    short_window_s: float
    enabled: bool


@frozen
class Slo(Node):
    deployment: str
    description: str | None
    sli: Sli
    objective: float
    """Percent, e.g. 99.9."""
    period_s: float
    tiers: tuple[AlertTier, ...]
    """Resolved burn-rate alert tiers (the defaults scaled to the period, or the spec's)."""
    runbook: str | None
    routing: Routing | None
    page_receiver: str | None = None
    """Receiver of the critical tiers (``alerting.receivers.page``, else ``routing.receiver``)."""
    ticket_receiver: str | None = None
    """Receiver of the other tiers (``alerting.receivers.ticket``); never the page one's default."""


@frozen
class MonitorFeature:
    name: str
    method: str | None
    threshold: float | None
    kind: str | None
    pii: bool


@frozen
class Monitor(Node):
    type: str
    deployment: str | None
    model: str | None
    dataset: str | None
    features: tuple[MonitorFeature, ...]
    metric: str | None
    threshold: float | None
    window_s: float
    for_s: float
    severity: str
    routing: Routing | None
    runbook: str | None
    owner: str | None


# ---------------------------------------------------------------- governance
@frozen
class TierRequirements:
    approvals: int
    approver_roles: tuple[str, ...]
    model_card: bool
    fairness_review: bool
    human_oversight: bool
    explainability: bool
    shadow_before_rollout: bool


@frozen
class DisabledRule:
    rule: str
    reason: str
    approver: str
    path: str


@frozen
class Governance:
    risk_tiers: dict[str, TierRequirements]
    regulations: tuple[str, ...]
    policies: tuple[str, ...]
    disabled_rules: tuple[DisabledRule, ...]
    data: dict[str, Any]


@frozen
class Waiver(Node):
    rule: str
    subject: str
    reason: str
    approver: str
    expires: str


@frozen
class Environment(Node):
    namespace: str
    description: str | None
    cluster: str | None
    tier: str
    """``production``, ``staging`` or ``development``; ``production`` when none is declared."""
    tier_declared: bool
    """The spec declares the tier (the implicit dev/staging/prod environments count as declared)."""


# ---------------------------------------------------------------- the whole
@dataclass(frozen=True, kw_only=True)
class IR:
    """The lowered spec. Look entities up by id with :meth:`get`."""

    api_version: str
    name: str
    owner: str | None
    description: str | None
    labels: dict[str, str]
    environment: str | None
    """The environment whose overrides were applied (``--env``), if any."""
    environments: tuple[Environment, ...]
    datasets: tuple[Dataset, ...]
    features: tuple[FeatureSet, ...]
    pipelines: tuple[Pipeline, ...]
    models: tuple[Model, ...]
    deployments: tuple[Deployment, ...]
    slos: tuple[Slo, ...]
    monitors: tuple[Monitor, ...]
    governance: Governance
    waivers: tuple[Waiver, ...]
    spec_hash: str
    """SHA-256 of the canonical JSON of the validated spec."""
    _by_id: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)

    SECTIONS = ("environments", "datasets", "features", "pipelines", "models", "deployments",
                "slos", "monitors", "waivers")

    def __post_init__(self) -> None:
        for section in self.SECTIONS:
            for node in getattr(self, section):
                self._by_id[node.id] = node

    @overload
    def get(self, node_id: str) -> Node: ...
    @overload
    def get(self, node_id: str, kind: type[_N]) -> _N: ...

    def get(self, node_id: str, kind: type[Node] = Node) -> Node:
        """The entity with this id, e.g. ``ir.get("model:fraud-detector", Model)``; ``kind``
        is the class the id's kind stands for, so that callers get it typed."""
        node = self._by_id[node_id]
        if not isinstance(node, kind):
            raise TypeError(f"{node_id} is a {type(node).__name__}, not a {kind.__name__}")
        return node

    def nodes(self) -> list[Node]:
        return [node for section in self.SECTIONS for node in getattr(self, section)]


def make_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"
