"""The Prometheus target: SLO and monitor rules as plain rule files and PrometheusRules.

Output (under ``prometheus/``):

- ``rules/slo-<slo>.yaml``: the SLO's ratios, budget and burn-rate alerts (one group);
- ``rules/monitors-<deployment>.yaml``: drift, performance and concept-drift alerts;
- ``rules/dataset-<dataset>.yaml``: data quality and freshness alerts (and drift on a
  dataset without a deployment);
- ``operator/<same name>.yaml``: each file as a prometheus-operator ``PrometheusRule``,
  plus ``operator/kustomization.yaml``;
- ``tests/slo-<slo>.test.yaml``: ``promtool test rules`` unit tests per SLO (fast burn,
  slow burn, healthy, no traffic), unless ``--set prometheus.unit-tests=false``.

``--set prometheus.namespace=NS`` puts every PrometheusRule in ``NS`` (default: the
deployment's namespace; ``monitoring`` for datasets).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.render.yaml_out import dump
from mlopsc.source import entity_path, parse_path
from mlopsc.target import Artifact, EmitOptions, TargetDeclaration
from mlopsc.targets.prometheus import DECLARATION, checks, monitor_rules, slo_rules, unit_tests

DATASET_NAMESPACE = "monitoring"


class PrometheusTarget:
    """Compile SLOs and monitors into Prometheus rules.

    Example::

        artifacts = PrometheusTarget().emit(ir, EmitOptions("0.1.0", "mlops.yaml"), bag)
        [a.path for a in artifacts][:2]   # ['operator/kustomization.yaml', ...]
    """

    declaration: ClassVar[TargetDeclaration] = DECLARATION

    def emit(self, ir_: ir.IR, options: EmitOptions, diagnostics: Diagnostics) -> list[Artifact]:
        files: dict[str, tuple[str, list[dict[str, Any]]]] = {}  # stem -> (namespace, groups)
        tests: dict[str, str] = {}
        namespace = options.settings.get("prometheus.namespace")
        with_tests = options.settings.get("prometheus.unit-tests", "true").lower() != "false"
        for slo in ir_.slos:
            deployment = ir_.get(slo.deployment, ir.Deployment)
            if not checks.slo_names_ok(slo, diagnostics):
                continue
            checks.unreachable_tiers(slo, diagnostics)
            checks.ticket_receiver(slo, diagnostics)
            group = _slo_group(slo, deployment, diagnostics)
            files[f"slo-{slo.name}"] = (namespace or deployment.namespace, [group])
            test = unit_tests.for_slo(slo, deployment, group) if with_tests else None
            if test is not None:  # None: no concrete error/good label values exist
                tests[f"slo-{slo.name}"] = test
        for stem, ns, group in _monitor_groups(ir_, diagnostics):
            files[stem] = (namespace or ns, [group])
        return _artifacts(files, tests, options.header())


def _slo_group(slo: ir.Slo, deployment: ir.Deployment, bag: Diagnostics) -> dict[str, Any]:
    where = entity_path(slo.path) + ("alerting", "routing")
    labels = checks.routing_labels(slo.routing, deployment.owner, where, bag)
    annotations = {}
    if slo.runbook:
        annotations["runbook_url"] = slo.runbook
    if slo.description:
        annotations["slo_description"] = slo.description
    return slo_rules.group(slo, deployment, labels, annotations)


def _monitor_groups(ir_: ir.IR, bag: Diagnostics) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(file stem, namespace, group) for every deployment and dataset with alerts."""
    by_deployment: dict[str, list[dict[str, Any]]] = {}
    by_dataset: dict[str, list[dict[str, Any]]] = {}
    freshness_watched: set[str] = set()
    for monitor in ir_.monitors:
        try:
            owner, rules = _monitor(monitor, ir_, bag)
        except monitor_rules.Nothing as reason:
            bag.add("W544", f"monitor '{monitor.name}' ({monitor.type}) gives no alert rule: "
                            f"{reason}", path=parse_path(monitor.path))
            continue
        if monitor.type == "freshness":
            freshness_watched.add(owner)
        target = by_deployment if owner.startswith("deployment:") else by_dataset
        target.setdefault(owner, []).extend(rules)
    for dataset in ir_.datasets:
        # A data contract's freshness is alerted on even when no monitor asks for it.
        if dataset.freshness_max_age_s is not None and dataset.id not in freshness_watched:
            labels = {"team": dataset.owner} if dataset.owner else {}
            by_dataset.setdefault(dataset.id, []).extend(monitor_rules.freshness(
                dataset, 0, {**labels, "severity": "warning"}, {}))
    for node_id, rules in sorted(by_deployment.items()):
        d = ir_.get(node_id, ir.Deployment)
        group = {"name": f"mlopsc-monitors-{d.name}", "rules": rules}
        yield f"monitors-{d.name}", d.namespace, group
    for node_id, rules in sorted(by_dataset.items()):
        name = ir_.get(node_id).name
        group = {"name": f"mlopsc-dataset-{name}", "rules": rules}
        yield f"dataset-{name}", DATASET_NAMESPACE, group


def _monitor(monitor: ir.Monitor, ir_: ir.IR, bag: Diagnostics) -> tuple[str, list[dict[str, Any]]]:
    """The entity whose file holds the monitor's rules, and the rules."""
    subject: ir.Deployment | ir.Dataset | None = (
        ir_.get(monitor.deployment, ir.Deployment) if monitor.deployment
        else ir_.get(monitor.dataset, ir.Dataset) if monitor.dataset else None)
    owner = monitor.owner or (subject.owner if subject else None)
    labels = checks.routing_labels(monitor.routing, owner, entity_path(monitor.path) + ("routing",),
                                   bag)
    labels = {**labels, "monitor": monitor.name, "severity": monitor.severity}
    annotations = {"runbook_url": monitor.runbook} if monitor.runbook else {}
    if monitor.type in ("data_quality", "freshness"):
        if not monitor.dataset:
            raise monitor_rules.Nothing("it names no dataset")
        dataset = ir_.get(monitor.dataset, ir.Dataset)
        if monitor.type == "freshness":
            return dataset.id, monitor_rules.freshness(dataset, monitor.for_s, labels, annotations)
        return dataset.id, monitor_rules.data_quality(monitor, dataset, labels, annotations)
    if monitor.type == "data_drift":
        rules = monitor_rules.drift(monitor, ir_, labels, annotations)
    else:
        rules = monitor_rules.model_metric(monitor, ir_, labels, annotations)
    subject_id = monitor.deployment or monitor.dataset
    assert subject_id is not None  # the rules name one of them, or raised Nothing
    return subject_id, rules


def _artifacts(files: dict[str, tuple[str, list[dict[str, Any]]]], tests: dict[str, str],
               header: str) -> list[Artifact]:
    comment = f"# {header}\n"
    out = []
    for stem, (namespace, groups) in sorted(files.items()):
        rules = dump({"groups": groups})
        out.append(Artifact(f"rules/{stem}.yaml", (comment + rules).encode()))
        resource = {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": f"mlopsc-{stem}", "namespace": namespace,
                         "labels": {"app.kubernetes.io/managed-by": "mlopsc",
                                    "app.kubernetes.io/component": "alerting-rules"}},
        }
        # The resource's spec is the rule file itself, indented: dumped once, used twice.
        spec = "spec:\n" + "".join(f"  {line}\n" for line in rules.splitlines())
        out.append(Artifact(f"operator/{stem}.yaml", (comment + dump(resource) + spec).encode()))
    if files:
        kustomization = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                         "resources": [f"{stem}.yaml" for stem in sorted(files)]}
        text = comment + dump(kustomization)
        out.append(Artifact("operator/kustomization.yaml", text.encode()))
    for stem, text in sorted(tests.items()):
        out.append(Artifact(f"tests/{stem}.test.yaml", (comment + text).encode()))
    return sorted(out, key=lambda a: a.path)
