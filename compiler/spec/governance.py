"""Governance rules, policy bundles, waivers and environments."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, JsonValue

from mlopsc.spec.common import INT32_MAX, MULTILINE, IsoDate, SpecModel, Text
from mlopsc.spec.deployments import Traffic
from mlopsc.spec.regulations import RegulationId


class TierRequirements(SpecModel):
    """What a risk tier requires before a model reaches production."""

    approvals: int = Field(1, ge=0, le=INT32_MAX)
    """How many approvals are needed."""
    approver_roles: list[str] = []
    """Roles of which at least one approval must come (e.g. `risk`, `compliance`)."""
    model_card: bool = True
    fairness_review: bool = False
    human_oversight: bool = False
    explainability: bool = False
    shadow_before_rollout: bool = False
    """A shadow or A/B stage must precede full rollout."""


class DisabledRule(SpecModel):
    """Switches a default policy rule off, for every subject. It is reported everywhere."""

    rule: str
    """The rule code, e.g. `GOV-007`."""
    reason: Text = Field(min_length=1)
    approver: str = Field(min_length=1)


class Governance(SpecModel):
    risk_tiers: dict[str, TierRequirements] = {}
    """Requirements per risk tier; they override the default bundle's."""
    regulations: list[RegulationId] = []
    """Regulations in force for every model, by canonical id (any case); an unknown one is
    E209."""
    policies: list[str] = []
    """Extra Rego bundle directories, relative to the spec file."""
    disabled_rules: list[DisabledRule] = []
    data: dict[str, JsonValue] = {}
    """Organisation data for policies (e.g. `allowed_registries`), merged over the defaults."""


class Waiver(SpecModel):
    """An exception for one policy rule on one subject, until a date."""

    rule: str
    """The rule code waived, e.g. `SEC-003`."""
    subject: str
    """The spec path it applies to, or a glob (`models.fraud-*`)."""
    reason: Text = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: IsoDate


class EnvironmentTier(StrEnum):
    """What an environment is. Policies key on the tier, never on the environment's name."""

    production = "production"
    staging = "staging"
    development = "development"


class Environment(SpecModel):
    """A place deployments run; `overrides` change spec values when compiling for it."""

    tier: EnvironmentTier | None = None
    """`production`, `staging` or `development`: the rules for production deployments apply
    to every deployment in a `production` environment, whatever its name. An environment
    without a tier is judged as `production` (fail closed), and GOV-013 reports it."""
    namespace: str | None = None
    """The Kubernetes namespace; defaults to the environment's name."""
    description: Text | None = None
    cluster: str | None = None
    traffic: Traffic | None = None
    """The traffic router of the environment's online deployments (default `istio`)."""
    # Any text a field allows may stand here; it is checked again in its field when merged.
    overrides: dict[str, Annotated[JsonValue, MULTILINE]] = {}
    """A partial spec deep-merged over the spec with `--env NAME`."""


class Metadata(SpecModel):
    name: str
    """The platform's name."""
    owner: str | None = None
    description: Text | None = None
    labels: dict[str, str] = {}
