"""Pipelines: steps run by Kubeflow Pipelines or Airflow."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from mlopsc.spec.common import (
    INT32_MAX,
    Cron,
    Duration,
    EnvValue,
    Image,
    Owner,
    PositiveDuration,
    Quantity,
    Resources,
    SecurityContext,
    SpecModel,
    Text,
)

BUILTIN_ORCHESTRATORS = ("kubeflow", "airflow")
"""The orchestrators the built-in targets claim: the JSON Schema's examples. The name is
open: any orchestrator an available target claims is valid (``check_orchestrators``, E333),
so a plugin target can add one."""

Orchestrator = Annotated[str, Field(examples=list(BUILTIN_ORCHESTRATORS))]


class TriggerType(StrEnum):
    data_change = "data_change"
    drift = "drift"
    performance = "performance"
    manual = "manual"


class Trigger(SpecModel):
    """What starts a pipeline besides its schedule."""

    type: TriggerType
    dataset: str | None = None
    """For `data_change`: the dataset whose new data starts a run."""
    monitor: str | None = None
    """For `drift` and `performance`: the monitor whose alert starts a run."""


class ParameterType(StrEnum):
    string = "string"
    integer = "integer"
    float = "float"
    boolean = "boolean"
    list = "list"
    """A list of strings: what a step's `for_each` fans out over."""


class Parameter(SpecModel):
    type: ParameterType = ParameterType.string
    default: str | int | float | bool | list[Any] | None = None
    """A value of the parameter's `type`; for `list`, a list of strings."""
    description: Text | None = None


class ForEach(SpecModel):
    """Run the step once per item of a `list` parameter; `$(item)` in its command and
    args is the item."""

    parameter: str
    """A pipeline parameter of type `list`."""
    parallelism: int | None = Field(None, ge=1, le=INT32_MAX)
    """At most this many items run at once; without it, no limit."""


class ResultType(StrEnum):
    """The type of a step's result: a scalar that a condition compares (no `list`)."""

    string = "string"
    integer = "integer"
    float = "float"
    boolean = "boolean"


ResultName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,62}$")]
"""A result's name: what `$(results.NAME)` can spell (KFP makes it an identifier)."""


class Condition(SpecModel):
    """Run a step only when a result of an earlier step compares as given: exactly one of
    `equals` and `not_equals`, a value of the result's type. When it does not hold, the
    step and every step after it are skipped."""

    step: str
    """The step that writes the result; it must run before this one (`after:` or inputs)."""
    result: str
    """A name in that step's `results`."""
    equals: str | int | float | bool | None = None
    """The step runs when the result equals this value."""
    not_equals: str | int | float | bool | None = None
    """The step runs when the result differs from this value."""


class DatasetInput(SpecModel):
    dataset: str
    """A dataset (data contract) name."""
    version: str | None = None
    """The contract version read; defaults to the dataset's current version."""


class Retry(SpecModel):
    limit: int = Field(0, ge=0, le=INT32_MAX)
    """How many times a failed step is retried."""
    backoff: Duration | None = None
    """Delay before the first retry; without it, the orchestrator's default (Kubeflow retries
    at once, Airflow after 5 minutes)."""
    backoff_factor: float | None = Field(None, ge=1)
    """Each further delay is multiplied by this; without it, every delay equals `backoff`."""
    max_backoff: Duration | None = None
    """The longest delay between two attempts: caps the growth by `backoff_factor`."""


class TolerationEffect(StrEnum):
    no_schedule = "NoSchedule"
    prefer_no_schedule = "PreferNoSchedule"
    no_execute = "NoExecute"


class Toleration(SpecModel):
    """A Kubernetes toleration: with `value` it matches `key=value` (operator `Equal`),
    without it any value of `key` (operator `Exists`)."""

    key: str
    value: str | None = None
    effect: TolerationEffect | None = None
    """Without it, every effect of the taint is tolerated."""


class VolumeMedium(StrEnum):
    disk = "disk"
    memory = "memory"


class Volume(SpecModel):
    """A volume mounted in the step's container: a PersistentVolumeClaim (`pvc`), or
    without one a scratch `emptyDir` (on `medium: memory`, a tmpfs, e.g. for `/dev/shm`)."""

    name: str
    """The volume's name in the pod (a DNS-1123 label)."""
    mount_path: str
    """Where the container sees it, e.g. `/dev/shm` or `/data`."""
    pvc: str | None = None
    """A PersistentVolumeClaim in the pipeline's namespace; without it, an emptyDir."""
    medium: VolumeMedium = VolumeMedium.disk
    """For an emptyDir: `memory` makes it a tmpfs (counted against the memory limit)."""
    size_limit: Quantity | None = None
    """For an emptyDir: the most it may hold, e.g. `2Gi`."""


class NodeOperator(StrEnum):
    in_ = "In"
    not_in = "NotIn"
    exists = "Exists"
    does_not_exist = "DoesNotExist"
    gt = "Gt"
    lt = "Lt"


class NodeMatch(SpecModel):
    """A condition on a node label: `In`/`NotIn` one of `values`, `Exists`/`DoesNotExist`
    (no `values`), `Gt`/`Lt` than one integer value."""

    key: str
    operator: NodeOperator = NodeOperator.in_
    values: list[str] = []


class PreferredNodes(SpecModel):
    weight: int = Field(ge=1, le=100)
    """How much the scheduler prefers nodes that match (1-100)."""
    match: list[NodeMatch] = Field(min_length=1)
    """Every condition must hold for a node to count as preferred."""


class NodeAffinity(SpecModel):
    required: list[NodeMatch] = []
    """Conditions every node the step runs on must meet (all of them)."""
    preferred: list[PreferredNodes] = []
    """Nodes the scheduler prefers, by weight."""


class Spread(SpecModel):
    """Pod anti-affinity: keep the pods of this step apart (e.g. a fanned-out step)."""

    topology_key: str = "kubernetes.io/hostname"
    """The node label whose values are the domains to spread over (host, zone, ...)."""
    required: bool = False
    """Refuse to place two pods in one domain (else only prefer not to)."""


class Affinity(SpecModel):
    """Where the step's pods may run: node affinity and spreading (pod anti-affinity)."""

    nodes: NodeAffinity | None = None
    spread: Spread | None = None


class ArtifactStore(SpecModel):
    """Where Airflow steps pass artifacts to each other (Kubeflow uses its own store).

    Give exactly one of `uri` (an object-store root such as `s3://bucket/prefix`: paths
    become URIs under it, which the steps read and write themselves) or `pvc` (a
    ReadWriteMany PersistentVolumeClaim that every step pod mounts at `mount_path`)."""

    uri: str | None = None
    pvc: str | None = None
    mount_path: str = "/mlopsc/artifacts"
    """Where the `pvc` is mounted in every step's container."""


class FailureNotice(SpecModel):
    """A POST to a webhook when a run fails: JSON `{"text", "pipeline", "run_id", "status"}`.

    `webhook` names the endpoint in the orchestrator's own store of secrets: for Airflow an
    HTTP connection id (its host, port and schema make the URL), for Kubeflow a Secret in the
    pipeline's namespace whose key `secret_key` holds the URL."""

    webhook: str
    secret_key: str = "url"
    """Kubeflow: the key of the Secret `webhook` that holds the URL."""
    message: Text | None = None
    """The notice's `text`, before the run's id and status; default "pipeline NAME failed"."""


class Notify(SpecModel):
    on_failure: FailureNotice | None = None
    """Post to a webhook when a run of the pipeline fails."""


class Step(SpecModel):
    """One container step of a pipeline.

    Arguments may hold placeholders: `$(params.NAME)` for a pipeline parameter,
    `$(inputs.NAME)` for a path of an input artifact, `$(outputs.NAME)` for a path the step
    writes an output artifact to, `$(results.NAME)` for the file the step writes a result
    to (a small value that a later step's `when` compares).
    """

    name: str
    """The step's name, unique in its pipeline (a DNS-1123 label)."""
    display_name: str | None = None
    """A human-readable name shown in the orchestrator's UI."""
    description: Text | None = None
    image: Image
    command: list[Text] = []
    """The container entrypoint."""
    args: list[Text] = []
    """Arguments; may hold placeholders."""
    env: dict[str, EnvValue] = {}
    """Environment variables: literal strings or Secret references."""
    resources: Resources | None = None
    retries: Retry | None = None
    timeout: PositiveDuration | None = None
    """Kill the step after this long."""
    cache: bool | None = None
    """Reuse the result of an earlier identical run (Kubeflow caching). Without it, a step
    is cached unless its pipeline starts on its own (a schedule or a trigger) and the step
    has no input artifacts: such a step would get the same cache key on every run and
    return the first run's outputs forever."""
    for_each: ForEach | None = None
    """Fan out: one run of the step per item of a `list` parameter, `$(item)` in its
    command and args."""
    after: list[str] = []
    """Steps that must finish first."""
    inputs: dict[str, str] = {}
    """Input artifacts: local name -> `STEP.OUTPUT` of an earlier step."""
    outputs: list[str] = []
    """Output artifacts this step produces."""
    results: dict[ResultName, ResultType] = {}
    """Small values the step writes (name -> type), as JSON text (`true`, `0.93`, `"ok"`)
    to the file `$(results.NAME)`, for a later step's `when`."""
    when: Condition | None = None
    """Run the step only when an earlier step's result compares as given."""
    node_selector: dict[str, str] = {}
    """Kubernetes node labels the step must run on."""
    security: SecurityContext = SecurityContext()
    """Container security settings (secure by default)."""
    tolerations: list[Toleration] = []
    """Node taints the step's pod tolerates (e.g. those of a GPU node pool)."""
    volumes: list[Volume] = []
    """Volumes mounted in the step's container: claims and scratch space."""
    affinity: Affinity | None = None
    """Node affinity and pod anti-affinity of the step's pod."""


class PipelineOutputs(SpecModel):
    model: str | None = None
    """The model this pipeline trains."""
    feature_sets: list[str] = []
    """Feature sets (`features:`) this pipeline computes and publishes."""


class Pipeline(SpecModel):
    """A workflow of container steps, compiled for its orchestrator."""

    owner: Owner | None = None
    description: Text | None = None
    """Shown as the DAG's documentation (Markdown)."""
    orchestrator: Orchestrator
    """Where the pipeline runs: an orchestrator a target claims (`mlopsc targets`), e.g.
    `kubeflow` or `airflow`, or one a plugin target adds."""
    schedule: Cron | None = None
    """When the pipeline runs; no schedule means only on triggers or by hand."""
    triggers: list[Trigger] = []
    """Events that start a run besides the schedule."""
    parameters: dict[str, Parameter] = {}
    """Run parameters, usable as `$(params.NAME)` in step arguments."""
    inputs: list[DatasetInput] = []
    """Datasets the pipeline reads (lineage)."""
    steps: list[Step] = Field(min_length=1)
    """The container steps; order follows `after:` and input dependencies."""
    outputs: PipelineOutputs = PipelineOutputs()
    """What the pipeline produces (lineage)."""
    timeout: PositiveDuration | None = None
    """Whole-run timeout (Airflow dagrun timeout)."""
    tags: list[str] = []
    max_active_runs: int = Field(1, ge=1, le=INT32_MAX)
    timezone: str = "UTC"
    """The IANA time zone the `schedule` is read in (e.g. `Europe/Berlin`)."""
    service_account: str | None = None
    """The Kubernetes service account the step pods run as."""
    image_pull_secrets: list[str] = []
    """Secrets (in the pipeline's namespace) used to pull the step images."""
    artifact_store: ArtifactStore | None = None
    """Where Airflow steps pass artifacts; needed when an Airflow step has `inputs` or
    `outputs`."""
    notify: Notify | None = None
    """Notices the orchestrator sends about runs (a webhook when a run fails)."""
