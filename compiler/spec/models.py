"""Models: what is trained, how it is governed, and where it stands in the registry."""

from __future__ import annotations

from enum import StrEnum

from mlopsc.spec.common import Image, IsoDate, Link, Owner, SpecModel, Text, Version
from mlopsc.spec.data import ContractField
from mlopsc.spec.regulations import RegulationId


class Stage(StrEnum):
    development = "development"
    staging = "staging"
    production = "production"
    archived = "archived"


class RiskTier(StrEnum):
    minimal = "minimal"
    low = "low"
    medium = "medium"
    high = "high"
    unacceptable = "unacceptable"


class StageRecord(SpecModel):
    """One entry of a model's registry history."""

    stage: Stage
    version: str
    date: IsoDate


class Approval(SpecModel):
    by: str
    """Who approved (name or email)."""
    role: str
    """Their role, e.g. `ml-lead`, `risk`, `compliance`."""
    date: IsoDate
    stage: Stage | None = None
    """The stage the approval is for."""
    version: Version | None = None
    """The model version approved. An approval counts only for the version it names: one
    without a version counts for none (GOV-005)."""


class TrainingDataset(SpecModel):
    dataset: str
    version: str
    """The contract version trained on; `latest` is refused."""


class Training(SpecModel):
    pipeline: str | None = None
    """The pipeline that trains this model."""
    datasets: list[TrainingDataset] = []
    feature_sets: list[str] = []
    """Feature sets (`features:`) the model is trained on and, when online, served from."""
    code_version: str | None = None
    """The source revision (e.g. a git commit) the model was trained from."""
    image: Image | None = None
    """The training image."""
    continuous: bool = False
    """The model is retrained automatically; it then needs a retraining trigger."""


class MetricSpec(SpecModel):
    """A metric the model is judged by."""

    value: float | None = None
    """The measured value of the current version."""
    threshold: float | None = None
    """The promotion threshold: a version is promoted only if it meets this."""
    baseline: float | None = None
    """The value of the baseline the model must beat."""
    higher_is_better: bool = True


class FairnessMetric(SpecModel):
    name: str
    """e.g. `demographic_parity_difference`, `equal_opportunity_difference`, `disparate_impact`."""
    threshold: float
    value: float | None = None
    higher_is_better: bool = False


class Fairness(SpecModel):
    protected_attributes: list[str] = []
    metrics: list[FairnessMetric] = []
    disparate_impact_tested: bool = False
    """A disparate-impact test is part of validation (ECOA, FCRA)."""
    assessment: Text | None = None
    """Summary of the fairness assessment."""


class Explainability(SpecModel):
    method: str
    """e.g. `shap`, `lime`, `integrated-gradients`, `reason-codes`."""
    per_decision: bool = False
    """Every decision comes with an explanation (adverse-action notices)."""


class HumanOversight(SpecModel):
    description: Text
    reviewers: list[str] = []


class ModelCard(SpecModel):
    """Model-card sections written by the team."""

    intended_use: Text | None = None
    out_of_scope_use: Text | None = None
    limitations: Text | None = None
    ethical_considerations: Text | None = None
    fairness_assessment: Text | None = None
    maintenance: Text | None = None
    caveats: Text | None = None


class Artifact(SpecModel):
    uri: str
    encrypted: bool = False
    """The artifact store encrypts it at rest."""


class Framework(StrEnum):
    sklearn = "sklearn"
    xgboost = "xgboost"
    lightgbm = "lightgbm"
    pytorch = "pytorch"
    tensorflow = "tensorflow"
    onnx = "onnx"
    huggingface = "huggingface"
    custom = "custom"


class Model(SpecModel):
    """A model: its version, registry stage, training lineage and governance facts."""

    owner: Owner | None = None
    version: Version
    """The model version this spec describes (the one in the registry)."""
    description: Text | None = None
    framework: Framework | None = None
    task: str | None = None
    """e.g. `binary-classification`, `ranking`."""
    artifact: Artifact | None = None
    """Where the trained artifact is stored."""
    stage: Stage = Stage.development
    """The registry stage of `version`."""
    history: list[StageRecord] = []
    """Registry history: the stages versions went through, with dates."""
    risk_tier: RiskTier | None = None
    """Risk tier; governance requirements scale with it."""
    card: ModelCard = ModelCard()
    """Model-card sections."""
    training: Training = Training()
    """How the model is trained (lineage)."""
    input_schema: list[ContractField] = []
    """The fields the model reads at serving time."""
    schema_version: Version | None = None
    """Version of the input schema; a breaking change needs a new major version."""
    metrics: dict[str, MetricSpec] = {}
    """Evaluation metrics with promotion thresholds and baselines."""
    fairness: Fairness | None = None
    """Protected attributes and fairness metrics with thresholds."""
    explainability: Explainability | None = None
    human_oversight: HumanOversight | None = None
    """How people can review and override the model's decisions."""
    approvals: list[Approval] = []
    """Sign-offs for promotion: who, in which role, when."""
    regulations: list[RegulationId] = []
    """Regulations that apply, by canonical id (any case), e.g. `gdpr`, `ccpa`, `ecoa`,
    `fcra`, `hipaa`, `eu-ai-act`; an unknown one is E209."""
    risk_assessment: Link | None = None
    """Reference (URI or document id) of the risk assessment."""
    tags: list[str] = []
    labels: dict[str, str] = {}
