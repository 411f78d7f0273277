"""The whole spec document (`apiVersion: mlopsc/v1`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlopsc.spec.common import SpecModel
from mlopsc.spec.data import Dataset, FeatureSet
from mlopsc.spec.deployments import Deployment
from mlopsc.spec.governance import Environment, Governance, Metadata, Waiver
from mlopsc.spec.models import Model
from mlopsc.spec.observability import Monitor, Slo
from mlopsc.spec.pipelines import Pipeline

API_VERSION = "mlopsc/v1"


class Spec(SpecModel):
    """An mlopsc spec: the whole production setup of an ML platform in one document.

    Every section is a map keyed by a DNS-1123 name.
    """

    api_version: Literal["mlopsc/v1"] = Field(alias="apiVersion")
    """The spec language version."""
    metadata: Metadata
    """Name and owner of the platform this spec describes."""
    include: list[str] = []
    """Other spec files merged into this one, relative to this file."""
    environments: dict[str, Environment] = {}
    """Where deployments run, with per-environment overrides."""
    datasets: dict[str, Dataset] = {}
    """Data contracts."""
    features: dict[str, FeatureSet] = {}
    """Feature sets drawn from datasets."""
    pipelines: dict[str, Pipeline] = {}
    """Feature and training pipelines (Kubeflow or Airflow)."""
    models: dict[str, Model] = {}
    """Models with their registry stage, lineage and governance facts."""
    deployments: dict[str, Deployment] = {}
    """Model versions served in an environment, with rollout strategies."""
    slos: dict[str, Slo] = {}
    """Service level objectives of deployments."""
    monitors: dict[str, Monitor] = {}
    """Drift, performance, data quality and freshness monitors."""
    governance: Governance = Governance()
    """Risk-tier requirements, policy bundles and regulations in force."""
    waivers: dict[str, Waiver] = {}
    """Exceptions to policy rules, each with an approver and an expiry date."""
