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
    metadata: Metadata
    include: list[str] = []
    """Other spec files merged into this one, relative to this file."""
    environments: dict[str, Environment] = {}
    datasets: dict[str, Dataset] = {}
    features: dict[str, FeatureSet] = {}
    pipelines: dict[str, Pipeline] = {}
    models: dict[str, Model] = {}
    deployments: dict[str, Deployment] = {}
    slos: dict[str, Slo] = {}
    monitors: dict[str, Monitor] = {}
    governance: Governance = Governance()
    waivers: dict[str, Waiver] = {}
