"""Pass: lower the spec into the frozen IR (defaults filled, references as ids).

Lowering runs on a spec with errors too, so the policy gate judges everything that can be
judged in the same run. It never assumes the semantic checks passed: a reference that does
not resolve stays a dangling id, a value it cannot read (a malformed duration) becomes
``None``. An entity with errors (*broken*) is lowered as far as that goes and left out of
the IR only when lowering it still fails; the driver keeps such an IR away from targets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Collection, Iterable
from enum import Enum
from typing import Any, cast

from mlopsc import ir
from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.passes.check_pipelines import execution_order, step_upstream
from mlopsc.passes.resolve_refs import environment_names
from mlopsc.source import parse_path
from mlopsc.spec import Spec
from mlopsc.spec import common as sc
from mlopsc.spec import data as sd
from mlopsc.spec import deployments as sdep
from mlopsc.spec import governance as sg
from mlopsc.spec import models as sm
from mlopsc.spec import observability as so
from mlopsc.spec import pipelines as sp
from mlopsc.values.units import parse_duration

# The SRE workbook's tiers for a 30-day period, as (share of the error budget, long window,
# short window); the burn rate is share * period / long window, so it scales with the period.
DEFAULT_TIERS = (
    ("page-fast", "critical", 0.02, "1h", "5m"),
    ("page-slow", "critical", 0.05, "6h", "30m"),
    ("ticket-fast", "warning", 0.10, "1d", "2h"),
    ("ticket-slow", "warning", 0.10, "3d", "6h"),
)
DEFAULT_DRIFT_THRESHOLDS = {"psi": 0.2, "ks": 0.1, "chi_squared": 0.1, "js": 0.1}


Broken = Collection[tuple[str, str]]
"""(section, name) of the entities with errors, e.g. ``("deployments", "fraud-prod")``."""


def lower(spec: Spec, environment: str | None = None, *, source_hash: str | None = None,
          broken: Broken = ()) -> ir.IR:
    """Turn a spec into IR.

    ``source_hash`` identifies the spec; by default the hash of the validated spec's
    canonical JSON (the driver passes the cheaper hash of the loaded document).
    ``broken`` names the entities with errors: each is lowered if it can be and left out
    if lowering it fails (an entity without errors that fails to lower is a bug and raises).
    """
    broken = frozenset(broken)

    def each(section: str, build: Callable[..., Any]) -> tuple[Any, ...]:
        return _each(getattr(spec, section), build, {n for s, n in broken if s == section})

    slos_of: dict[str, list[str]] = {}
    for name, slo in sorted(spec.slos.items()):
        slos_of.setdefault(slo.deployment, []).append(ir.make_id("slo", name))
    monitors_of: dict[str, list[str]] = {}
    for name, monitor in sorted(spec.monitors.items()):
        if monitor.deployment:
            monitors_of.setdefault(monitor.deployment, []).append(ir.make_id("monitor", name))
    namespaces = {n: (e.namespace or n) for n, e in spec.environments.items()}
    environments = tuple(_environment(spec, n) for n in environment_names(spec))
    tiers = {e.name: e.tier for e in environments}
    return ir.IR(
        api_version=spec.api_version,
        name=spec.metadata.name,
        owner=spec.metadata.owner,
        description=spec.metadata.description,
        labels=dict(sorted(spec.metadata.labels.items())),
        environment=environment,
        environments=environments,
        datasets=each("datasets", _dataset),
        features=each("features", _feature_set),
        pipelines=each("pipelines", lambda n, p: _pipeline(
            n, p, namespaces.get(environment) if environment else None)),
        models=each("models", lambda n, m: _model(n, m, spec)),
        deployments=each("deployments", lambda n, d: _deployment(
            n, d, spec, (namespaces, tiers), slos_of.get(n, []), monitors_of.get(n, []))),
        slos=each("slos", _slo),
        monitors=each("monitors", lambda n, m: _monitor(n, m, spec)),
        governance=_governance(spec),
        waivers=each("waivers", _waiver),
        spec_hash=source_hash or spec_hash(spec),
    )


ENTITY_SECTIONS = ("environments", "datasets", "features", "pipelines", "models",
                   "deployments", "slos", "monitors", "waivers")


def broken_entities(diagnostics: Iterable[Diagnostic]) -> frozenset[tuple[str, str]]:
    """(section, name) of every entity with an error at or below ``<section>.<name>``.

    >>> from mlopsc.diagnostics import Diagnostics
    >>> bag = Diagnostics()
    >>> _ = bag.add("E306", "x", path=("deployments", "d", "rollout", "steps", 1, "weight"))
    >>> _ = bag.add("W324", "y", path=("pipelines", "p", "outputs", "model"))
    >>> sorted(broken_entities(bag))
    [('deployments', 'd')]
    """
    return frozenset(entity for d in diagnostics
                     if d.severity == Severity.ERROR and (entity := entity_of(d.path)))


def entity_of(path: str | None) -> tuple[str, str] | None:
    """The (section, name) of the entity a spec path lies in, if it lies in one.

    >>> entity_of("models.m.training.pipeline"), entity_of("governance.regulations")
    (('models', 'm'), None)
    """
    parts = parse_path(path) if path else None
    if parts and len(parts) >= 2 and parts[0] in ENTITY_SECTIONS and isinstance(parts[1], str):
        return (str(parts[0]), parts[1])
    return None


def spec_hash(spec: Spec) -> str:
    return document_hash(spec.model_dump(mode="json", by_alias=True, exclude_unset=False))


def document_hash(document: dict[str, Any]) -> str:
    """SHA-256 of a document's canonical JSON (sorted keys): the same for any key order."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _each(section: dict[str, Any], build: Callable[..., Any],
          broken: Collection[str]) -> tuple[Any, ...]:
    out = []
    for name in sorted(section):
        if name not in broken:
            out.append(build(name, section[name]))
            continue
        # An entity with errors may break any assumption below in a way no check foresaw;
        # its errors are reported already, so leaving it out is the safe answer. Tests
        # lower every invalid spec and require that nothing lands here.
        try:
            out.append(build(name, section[name]))
        except Exception:  # noqa: BLE001 - deliberate, see above
            continue
    return tuple(out)


def _s(member: Enum) -> str:
    """An enum member's string value (``.value`` is slow on Python 3.11 enums)."""
    value: str = member._value_  # the spec's enums are all str enums
    return value


def _seconds(text: str | None) -> float | None:
    return None if text is None else parse_duration(text)


def _required_seconds(text: str) -> float:
    """Seconds in a duration an IR field requires. check_values reports a malformed one
    (E305) and marks its entity broken; a broken entity's partial IR is judged by the policy
    gate but never emitted, so the ``None`` it then holds is let through unchanged."""
    return cast(float, parse_duration(text))


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


# The tiers of the environments a spec without `environments:` has. A spec that declares
# its environments gets no tier from a name: one without `tier:` is judged as production.
IMPLICIT_TIERS = {"dev": "development", "staging": "staging", "prod": "production"}
FAIL_CLOSED_TIER = "production"


def _environment(spec: Spec, name: str) -> ir.Environment:
    declared = spec.environments.get(name)
    if declared is None:
        tier, written = IMPLICIT_TIERS.get(name, FAIL_CLOSED_TIER), True
    else:
        written = declared.tier is not None
        tier = _s(declared.tier) if declared.tier is not None else FAIL_CLOSED_TIER
    return ir.Environment(
        id=ir.make_id("environment", name), name=name, path=f"environments.{name}",
        namespace=(declared.namespace if declared and declared.namespace else name),
        description=declared.description if declared else None,
        cluster=declared.cluster if declared else None, tier=tier, tier_declared=written)


def _field(f: sd.ContractField) -> ir.Field:
    return ir.Field(
        name=f.name, type=_s(f.type) if f.type else None, nullable=f.nullable,
        description=f.description, min=f.min, max=f.max,
        allowed_values=tuple(f.allowed_values) if f.allowed_values is not None else None,
        kind=_s(f.kind) if f.kind else None, pii=f.pii,
        classification=_s(f.classification) if f.classification else None,
        renamed_from=f.renamed_from, purpose=f.purpose)


def _dataset(name: str, d: sd.Dataset) -> ir.Dataset:
    return ir.Dataset(
        id=ir.make_id("dataset", name), name=name, path=f"datasets.{name}",
        owner=d.owner, version=d.version, description=d.description, location=d.location,
        format=_s(d.format) if d.format else None,
        fields=tuple(_field(f) for f in d.fields),
        freshness_max_age_s=_seconds(d.freshness.max_age) if d.freshness else None,
        freshness_field=d.freshness.timestamp_field if d.freshness else None,
        min_rows=d.volume.min_rows if d.volume else None,
        max_rows=d.volume.max_rows if d.volume else None,
        retention_s=_seconds(d.retention.period) if d.retention else None,
        erasure=bool(d.retention and d.retention.erasure),
        deidentified=d.deidentified,
        personal_data=any(f.pii for f in d.fields),
        quality=tuple(ir.QualityCheck(name=q.name, check=_s(q.check), field=q.field,
                                      max_failure_ratio=q.max_failure_ratio,
                                      severity=q.severity, description=q.description)
                      for q in d.quality),
        tags=tuple(d.tags))


def _feature_set(name: str, f: sd.FeatureSet) -> ir.FeatureSet:
    return ir.FeatureSet(
        id=ir.make_id("feature-set", name), name=name, path=f"features.{name}",
        owner=f.owner, version=f.version, description=f.description,
        dataset=ir.make_id("dataset", f.source), entity=f.entity, features=tuple(f.features),
        online=f.online, offline=f.offline, ttl_s=_seconds(f.ttl))


def _resources(r: sc.Resources | None) -> ir.Resources | None:
    if r is None:
        return None
    return ir.Resources(
        cpu=_qty(r.cpu), memory=_qty(r.memory), cpu_limit=_qty(r.cpu_limit),
        memory_limit=_qty(r.memory_limit),
        gpu_count=r.gpu.count if r.gpu else 0, gpu_type=r.gpu.type if r.gpu else None)


def _qty(value: str | int | float | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _security(s: sc.SecurityContext) -> ir.Security:
    return ir.Security(run_as_non_root=s.run_as_non_root, run_as_user=s.run_as_user,
                       privileged=s.privileged, host_network=s.host_network,
                       read_only_root_filesystem=s.read_only_root_filesystem,
                       allow_privilege_escalation=s.allow_privilege_escalation)


def _env(env: dict[str, sc.EnvValue]) -> tuple[ir.EnvVar, ...]:
    out = []
    for key in sorted(env):
        value = env[key]
        if isinstance(value, str):
            out.append(ir.EnvVar(name=key, value=value))
        else:
            out.append(ir.EnvVar(name=key, secret=value.secret, secret_key=value.key))
    return tuple(out)


def _routing(r: sc.Routing | None) -> ir.Routing | None:
    if r is None:
        return None
    return ir.Routing(team=r.team, receiver=r.receiver, labels=dict(sorted(r.labels.items())))


def _pipeline(name: str, p: sp.Pipeline, namespace: str | None = None) -> ir.Pipeline:
    upstream = step_upstream(p)
    steps = {step.name: (i, step) for i, step in enumerate(p.steps)}
    starts_itself = bool(p.schedule or any(t.type != "manual" for t in p.triggers))
    store = p.artifact_store
    return ir.Pipeline(
        id=ir.make_id("pipeline", name), name=name, path=f"pipelines.{name}",
        owner=p.owner, description=p.description, orchestrator=p.orchestrator,
        schedule=p.schedule,
        triggers=tuple(ir.Trigger(
            type=_s(t.type),
            dataset=ir.make_id("dataset", t.dataset) if t.dataset else None,
            monitor=ir.make_id("monitor", t.monitor) if t.monitor else None) for t in p.triggers),
        parameters=tuple(ir.Parameter(name=k, type=_s(v.type), default=_default(v.default),
                                      description=v.description)
                         for k, v in sorted(p.parameters.items())),
        inputs=tuple(ir.DatasetRef(dataset=ir.make_id("dataset", i.dataset),
                                   version=i.version or "") for i in p.inputs),
        steps=tuple(_step(name, *steps[s], upstream[s], starts_itself)
                    for s in execution_order(p)),
        model=ir.make_id("model", p.outputs.model) if p.outputs.model else None,
        feature_sets=tuple(ir.make_id("feature-set", f) for f in p.outputs.feature_sets),
        timeout_s=_seconds(p.timeout), tags=tuple(p.tags), max_active_runs=p.max_active_runs,
        timezone=p.timezone, namespace=namespace, service_account=p.service_account,
        image_pull_secrets=tuple(p.image_pull_secrets),
        artifact_store=ir.ArtifactStore(uri=store.uri, pvc=store.pvc,
                                        mount_path=store.mount_path) if store else None,
        on_failure=_failure_notice(p))


def _default(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value  # IR records are frozen


def _step(pipeline: str, index: int, s: sp.Step, upstream: tuple[str, ...],
          starts_itself: bool = False) -> ir.Step:
    retry = None
    if s.retries is not None:
        retry = ir.Retry(limit=s.retries.limit, backoff_s=_seconds(s.retries.backoff),
                         backoff_factor=s.retries.backoff_factor,
                         max_backoff_s=_seconds(s.retries.max_backoff))
    return ir.Step(
        id=f"pipeline:{pipeline}/step:{s.name}", name=s.name,
        for_each=ir.ForEach(parameter=s.for_each.parameter,
                            parallelism=s.for_each.parallelism) if s.for_each else None,
        path=f"pipelines.{pipeline}.steps[{index}]",
        display_name=s.display_name, description=s.description, image=s.image,
        command=tuple(s.command), args=tuple(s.args), env=_env(s.env),
        resources=_resources(s.resources), retry=retry, timeout_s=_seconds(s.timeout),
        # A step of a pipeline that starts itself, with no input artifacts, has one cache
        # key for every run: cached, it would return the first run's outputs forever.
        cache=s.cache if s.cache is not None else not (starts_itself and not s.inputs),
        upstream=upstream,
        inputs=tuple(ir.StepInput(name=k, step=v.partition(".")[0], output=v.partition(".")[2])
                     for k, v in sorted(s.inputs.items())),
        outputs=tuple(s.outputs),
        results=tuple(ir.Result(name=k, type=_s(v)) for k, v in sorted(s.results.items())),
        when=_condition(s.when), node_selector=dict(sorted(s.node_selector.items())),
        security=_security(s.security),
        tolerations=tuple(ir.Toleration(key=t.key, value=t.value,
                                        effect=_s(t.effect) if t.effect else None)
                          for t in s.tolerations),
        volumes=tuple(ir.Volume(name=v.name, mount_path=v.mount_path, pvc=v.pvc,
                                memory=v.medium == sp.VolumeMedium.memory,
                                size_limit=v.size_limit) for v in s.volumes),
        affinity=_affinity(s.affinity))


def _condition(c: sp.Condition | None) -> ir.Condition | None:
    if c is None:  # one of equals / not_equals is set, or check_conditions said E210
        return None
    negate = c.equals is None and c.not_equals is not None
    value = c.not_equals if negate else c.equals
    return ir.Condition(step=c.step, result=c.result, value="" if value is None else value,
                        negate=negate)


def _affinity(a: sp.Affinity | None) -> ir.Affinity | None:
    if a is None:
        return None

    def matches(items: list[sp.NodeMatch]) -> tuple[ir.NodeMatch, ...]:
        return tuple(ir.NodeMatch(key=m.key, operator=_s(m.operator), values=tuple(m.values))
                     for m in items)

    nodes = a.nodes or sp.NodeAffinity()
    return ir.Affinity(
        required=matches(nodes.required),
        preferred=tuple(ir.PreferredNodes(weight=t.weight, match=matches(t.match))
                        for t in nodes.preferred),
        spread_key=a.spread.topology_key if a.spread else None,
        spread_required=bool(a.spread and a.spread.required))


def _failure_notice(p: sp.Pipeline) -> ir.FailureNotice | None:
    notice = p.notify.on_failure if p.notify else None
    if notice is None:
        return None
    return ir.FailureNotice(webhook=notice.webhook, secret_key=notice.secret_key,
                            message=notice.message)


def _model(name: str, m: sm.Model, spec: Spec) -> ir.Model:
    card = ir.ModelCard(**m.card.model_dump())
    fairness = None
    if m.fairness is not None:
        f = m.fairness
        fairness = ir.Fairness(
            protected_attributes=tuple(f.protected_attributes),
            metrics=tuple(ir.FairnessMetric(name=x.name, threshold=x.threshold, value=x.value,
                                            higher_is_better=x.higher_is_better)
                          for x in f.metrics),
            disparate_impact_tested=f.disparate_impact_tested, assessment=f.assessment)
    t = m.training
    return ir.Model(
        id=ir.make_id("model", name), name=name, path=f"models.{name}",
        owner=m.owner, version=m.version, description=m.description,
        framework=_s(m.framework) if m.framework else None, task=m.task,
        artifact_uri=m.artifact.uri if m.artifact else None,
        artifact_encrypted=bool(m.artifact and m.artifact.encrypted),
        stage=_s(m.stage),
        history=tuple(ir.StageRecord(stage=_s(h.stage), version=h.version, date=h.date)
                      for h in m.history),
        risk_tier=_s(m.risk_tier) if m.risk_tier else None,
        card=card,
        training=ir.Training(
            pipeline=ir.make_id("pipeline", t.pipeline) if t.pipeline else None,
            datasets=tuple(ir.DatasetRef(dataset=ir.make_id("dataset", d.dataset),
                                         version=d.version) for d in t.datasets),
            feature_sets=tuple(ir.make_id("feature-set", f) for f in t.feature_sets),
            code_version=t.code_version, image=t.image, continuous=t.continuous),
        input_schema=tuple(_field(f) for f in m.input_schema),
        schema_version=m.schema_version,
        metrics=tuple(ir.Metric(name=k, value=v.value, threshold=v.threshold,
                                baseline=v.baseline, higher_is_better=v.higher_is_better)
                      for k, v in sorted(m.metrics.items())),
        fairness=fairness,
        explainability=ir.Explainability(method=m.explainability.method,
                                          per_decision=m.explainability.per_decision)
        if m.explainability else None,
        human_oversight=ir.HumanOversight(description=m.human_oversight.description,
                                          reviewers=tuple(m.human_oversight.reviewers))
        if m.human_oversight else None,
        approvals=tuple(ir.Approval(by=a.by, role=a.role, date=a.date,
                                    stage=_s(a.stage) if a.stage else None, version=a.version)
                        for a in m.approvals),
        regulations=_strs([*m.regulations, *spec.governance.regulations]),
        risk_assessment=m.risk_assessment, tags=tuple(m.tags),
        labels=dict(sorted(m.labels.items())))


def _rollout(r: sdep.Rollout) -> ir.Rollout:
    analysis = None
    if r.analysis is not None:
        a = r.analysis
        analysis = ir.Analysis(slos=tuple(ir.make_id("slo", s) for s in a.slos),
                               interval_s=_required_seconds(a.interval),
                               failure_limit=a.failure_limit,
                               count=a.count)
    return ir.Rollout(
        strategy=_s(r.strategy), stable_version=r.stable_version,
        steps=tuple(ir.CanaryStep(weight=s.weight, pause_s=_seconds(s.pause)) for s in r.steps),
        mirror_percent=r.mirror_percent,
        match=ir.Match(header=r.match.header, cookie=r.match.cookie, value=r.match.value)
        if r.match else None,
        candidate_weight=r.candidate_weight, analysis=analysis, auto_promote=r.auto_promote,
        scale_down_delay_s=_seconds(r.scale_down_delay),
        rollback=tuple(ir.RollbackTrigger(
            type=_s(t.type), slo=ir.make_id("slo", t.slo) if t.slo else None,
            monitor=ir.make_id("monitor", t.monitor) if t.monitor else None,
            threshold=t.threshold) for t in r.rollback),
        max_surge=r.max_surge, max_unavailable=r.max_unavailable, mirror_of=r.mirror_of,
        rollback_window_s=_seconds(r.rollback_window))


def _deployment(name: str, d: sdep.Deployment, spec: Spec,
                environments: tuple[dict[str, str], dict[str, str]],
                slos: list[str], monitors: list[str]) -> ir.Deployment:
    model = spec.models.get(d.model)  # None only when the reference is broken (E301)
    namespaces, tiers = environments
    scaling = d.autoscaling
    return ir.Deployment(
        id=ir.make_id("deployment", name), name=name, path=f"deployments.{name}",
        model=ir.make_id("model", d.model), model_name=d.model,
        version=d.version or (model.version if model else ""), environment=d.environment,
        environment_tier=tiers.get(d.environment, FAIL_CLOSED_TIER),
        namespace=namespaces.get(d.environment, d.environment), owner=d.owner,
        description=d.description, mode=_s(d.mode), flavour=_s(d.flavour), image=d.image,
        command=tuple(d.command), args=tuple(d.args), env=_env(d.env), port=d.port,
        resources=_resources(d.resources), replicas=d.replicas,
        autoscaling=ir.Autoscaling(
            min_replicas=scaling.min_replicas, max_replicas=scaling.max_replicas,
            target_cpu_utilization=scaling.target_cpu_utilization,
            target_requests_per_second=scaling.target_requests_per_second)
        if scaling else None,
        schedule=d.schedule,
        probes=ir.Probes(readiness_path=d.probes.readiness_path,
                         liveness_path=d.probes.liveness_path,
                         initial_delay_s=_required_seconds(d.probes.initial_delay))
        if d.probes else None,
        rollout=_rollout(d.rollout), security=_security(d.security),
        metrics_path=d.metrics_path, labels=dict(sorted(d.labels.items())),
        risk_tier=_s(model.risk_tier) if model and model.risk_tier else None,
        slos=tuple(slos), monitors=tuple(monitors),
        prediction_log=ir.PredictionLog(location=d.prediction_log.location,
                                        retention_s=_required_seconds(d.prediction_log.retention))
        if d.prediction_log else None,
        traffic=_traffic(name, d, spec))


def _traffic(name: str, d: sdep.Deployment, spec: Spec) -> ir.Traffic:
    """The deployment's ``traffic`` fields over its environment's; Istio when neither sets it."""
    env = spec.environments.get(d.environment)
    layers = [(f"environments.{d.environment}.traffic", env.traffic if env else None),
              (f"deployments.{name}.traffic", d.traffic)]
    router, gateway, path = "istio", None, None
    for where, traffic in layers:
        if traffic is None:
            continue
        if traffic.router is not None:
            router, path = _s(traffic.router), f"{where}.router"
        if traffic.gateway is not None:
            gateway = traffic.gateway
    return ir.Traffic(router=router, gateway_name=gateway.name if gateway else None,
                      gateway_namespace=gateway.namespace if gateway else None, path=path)


def default_tiers(period_s: float) -> tuple[ir.AlertTier, ...]:
    """The workbook's four tiers with burn rates scaled to ``period_s``.

    >>> [t.burn_rate for t in default_tiers(30 * 86400)]
    [14.4, 6.0, 3.0, 1.0]
    """
    out = []
    for name, severity, share, long_window, short_window in DEFAULT_TIERS:
        long_s, short_s = parse_duration(long_window), parse_duration(short_window)
        assert long_s is not None and short_s is not None  # DEFAULT_TIERS are well formed
        out.append(ir.AlertTier(name=name, severity=severity,
                                burn_rate=round(share * period_s / long_s, 6),
                                long_window_s=long_s, short_window_s=short_s,
                                enabled=True))
    return tuple(out)


def _slo(name: str, s: so.Slo) -> ir.Slo:
    period = _seconds(s.period)
    alerting = s.alerting
    if alerting.tiers is not None:
        tiers = tuple(ir.AlertTier(name=t.name, severity=_s(t.severity), burn_rate=t.burn_rate,
                                   long_window_s=_required_seconds(t.long_window),
                                   short_window_s=_required_seconds(t.short_window),
                                   enabled=t.enabled)
                      for t in alerting.tiers)
    elif period is None:  # a malformed period (E305): no default tiers to scale
        tiers = ()
    else:
        switched = {"critical": alerting.page, "warning": alerting.ticket}
        tiers = tuple(ir.AlertTier(**{**_tier_dict(t), "enabled": switched[t.severity]})
                      for t in default_tiers(period))
    return ir.Slo(
        id=ir.make_id("slo", name), name=name, path=f"slos.{name}",
        deployment=ir.make_id("deployment", s.deployment), description=s.description,
        sli=ir.Sli(type=_s(s.sli.type), metric=s.sli.metric,
                   selector=dict(sorted(s.sli.selector.items())),
                   error_selector=dict(sorted(s.sli.error_selector.items())),
                   threshold=s.sli.threshold),
        objective=s.objective, period_s=_required_seconds(s.period), tiers=tiers,
        runbook=alerting.runbook,
        routing=_routing(alerting.routing),
        page_receiver=alerting.receivers.page or (
            alerting.routing.receiver if alerting.routing else None),
        ticket_receiver=alerting.receivers.ticket)


def _tier_dict(tier: ir.AlertTier) -> dict[str, Any]:
    return {f.name: getattr(tier, f.name) for f in dataclasses.fields(tier)}


def _monitor(name: str, m: so.Monitor, spec: Spec) -> ir.Monitor:
    fields: dict[str, sd.ContractField] = {}
    if m.dataset and m.dataset in spec.datasets:
        fields = {f.name: f for f in spec.datasets[m.dataset].fields}
    elif m.deployment and m.deployment in spec.deployments:
        model = spec.models.get(spec.deployments[m.deployment].model)
        fields = {f.name: f for f in model.input_schema} if model else {}
    features = []
    for item in m.features:
        feature = so.FeatureDrift(name=item) if isinstance(item, str) else item
        contract = fields.get(feature.name)
        kind = _s(contract.kind) if contract and contract.kind else None
        method = feature.method or m.method
        if method is None and m.type == so.MonitorType.data_drift:
            method = so.DriftMethod.chi_squared if kind == "categorical" else (
                so.DriftMethod.ks if kind == "continuous" else so.DriftMethod.psi)
        method_name = _s(method) if method else None
        threshold = feature.threshold if feature.threshold is not None else m.threshold
        if threshold is None and method_name:
            threshold = DEFAULT_DRIFT_THRESHOLDS[method_name]
        features.append(ir.MonitorFeature(name=feature.name, method=method_name,
                                          threshold=threshold, kind=kind,
                                          pii=bool(contract and contract.pii)))
    deployment = spec.deployments.get(m.deployment) if m.deployment else None
    return ir.Monitor(
        id=ir.make_id("monitor", name), name=name, path=f"monitors.{name}", type=_s(m.type),
        deployment=ir.make_id("deployment", m.deployment) if m.deployment else None,
        model=ir.make_id("model", deployment.model) if deployment else None,
        dataset=ir.make_id("dataset", m.dataset) if m.dataset else None,
        features=tuple(features), metric=m.metric, threshold=m.threshold,
        window_s=_required_seconds(m.window), for_s=_required_seconds(m.for_),
        severity=_s(m.severity),
        routing=_routing(m.routing), runbook=m.runbook, owner=m.owner)


def _governance(spec: Spec) -> ir.Governance:
    g = spec.governance
    return ir.Governance(
        risk_tiers={k: ir.TierRequirements(
            approvals=v.approvals, approver_roles=tuple(v.approver_roles),
            model_card=v.model_card, fairness_review=v.fairness_review,
            human_oversight=v.human_oversight, explainability=v.explainability,
            shadow_before_rollout=v.shadow_before_rollout)
            for k, v in sorted(g.risk_tiers.items())},
        regulations=_strs(g.regulations), policies=tuple(g.policies),
        disabled_rules=tuple(ir.DisabledRule(rule=d.rule, reason=d.reason, approver=d.approver,
                                             path=f"governance.disabled_rules[{i}]")
                             for i, d in enumerate(g.disabled_rules)),
        data=g.data)


def _waiver(name: str, w: sg.Waiver) -> ir.Waiver:
    return ir.Waiver(id=ir.make_id("waiver", name), name=name, path=f"waivers.{name}",
                     rule=w.rule, subject=w.subject, reason=w.reason, approver=w.approver,
                     expires=w.expires)
