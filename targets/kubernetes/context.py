"""What every builder of a deployment's objects needs: the deployment, its labels, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.ir import Slo
from mlopsc.source import parse_path
from mlopsc.targets.kubernetes import meta

DEFAULT_PROMETHEUS = "http://prometheus-operated.monitoring.svc:9090"


@dataclass(frozen=True)
class Settings:
    """``--set kubernetes.<key>=<value>`` options.

    ``flavour`` (``deployment``/``kserve``) overrides every deployment's own;
    ``kserve-mode`` is ``serverless`` (default) or ``raw``; ``prometheus-address`` is the
    Prometheus that analysis queries; ``gpu-node-label`` the node label that picks the GPU
    type.
    """

    flavour: str | None = None
    kserve_mode: str = "serverless"
    prometheus_address: str = DEFAULT_PROMETHEUS
    gpu_node_label: str = "nvidia.com/gpu.product"

    @classmethod
    def parse(cls, settings: dict[str, str]) -> Settings:
        def get(key: str, default: str) -> str:
            return settings.get(f"kubernetes.{key}", default)
        return cls(flavour=settings.get("kubernetes.flavour"),
                   kserve_mode=get("kserve-mode", "serverless"),
                   prometheus_address=get("prometheus-address", DEFAULT_PROMETHEUS),
                   gpu_node_label=get("gpu-node-label", "nvidia.com/gpu.product"))


@dataclass
class Ctx:
    """One deployment being compiled. ``extra_labels`` are the spec's checked labels."""

    d: ir.Deployment
    ir: ir.IR
    settings: Settings
    bag: Diagnostics
    extra_labels: dict[str, str] = field(default_factory=dict)

    @property
    def flavour(self) -> str:
        return self.settings.flavour or self.d.flavour

    def slos(self) -> list[Slo]:
        return [self.ir.get(slo_id, Slo) for slo_id in self.d.slos]

    def labels(self, version: str | None = None, track: str | None = None) -> dict[str, str]:
        """The spec's labels, then mlopsc's (which win: selectors must stay as built)."""
        return {**self.extra_labels,
                **meta.standard_labels(self.d, self.ir.name, version, track)}

    def meta(self, name: str, version: str | None = None,
             track: str | None = None) -> dict[str, Any]:
        return meta.metadata(name, self.d, self.labels(version, track))

    def where(self, *fields: str | int) -> tuple[Any, ...]:
        """The spec path of a field of the deployment, for diagnostics."""
        return (parse_path(self.d.path) or ()) + fields

    def obj(self, api: str, kind: str, name: str, spec: dict[str, Any],
            **label_args: str | None) -> dict[str, Any]:
        return {"apiVersion": api, "kind": kind, "metadata": self.meta(name, **label_args),
                "spec": spec}
