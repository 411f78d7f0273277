"""The Kubernetes target's objects per strategy, flavour and mode, and its diagnostics."""

from __future__ import annotations

import doctest
import importlib

import pytest
import yaml
from test_kubernetes_helpers import MINIMAL, emit, objects, validation_errors

BASE = MINIMAL.split("\ndeployments:")[0] + "\n"
SLOS = """
slos:
  api-avail:
    deployment: api
    sli: {type: availability, metric: http_requests_total, selector: {service: api},
          error_selector: {code: "5.."}}
    objective: 99.9
  api-latency:
    deployment: api
    sli: {type: latency, metric: http_request_duration_seconds, selector: {service: api},
          threshold: 0.2}
    objective: 99
"""


def deployment(rollout: str = "{}", extra: str = "", slos: str = SLOS) -> str:
    return (f"deployments:\n  api:\n    model: iris-classifier\n    version: '0.2.0'\n"
            f"    environment: dev\n    image: ghcr.io/acme/iris:0.2.0\n"
            f"    rollout: {rollout}\n{extra}" + slos)


def build(rollout: str = "{}", extra: str = "", settings=None, slos: str = SLOS):
    files, diagnostics = emit(deployment(rollout, extra, slos), settings, base=BASE)
    return objects(files), diagnostics


def kinds(objs: dict) -> list[str]:
    return sorted(path.rsplit("/", 1)[1] for path in objs)


def one(objs: dict, name: str) -> dict:
    return objs[f"dev/api/{name}"]


CANARY = ("{strategy: canary, stable_version: '0.1.0', steps: [{weight: 10, pause: 5m}, "
          "{weight: 50}, {weight: 100}], analysis: {slos: [api-avail, api-latency], "
          "interval: 1m, failure_limit: 2}, rollback: [{type: slo_breach, slo: api-avail}, "
          "{type: error_rate, threshold: 0.05}, {type: latency, threshold: 0.3}]}")
BLUE_GREEN = ("{strategy: blue-green, auto_promote: true, scale_down_delay: 10m, "
              "analysis: {slos: [api-avail]}, rollback: [{type: slo_breach, slo: api-latency}]}")
SHADOW = "{strategy: shadow, stable_version: '0.1.0', mirror_percent: 12.5}"
AB_HEADER = ("{strategy: ab, stable_version: '0.1.0', match: {header: X-Group, value: b}, "
             "candidate_weight: 20}")
AB_COOKIE = "{strategy: ab, stable_version: '0.1.0', match: {cookie: grp, value: v.2}}"


@pytest.mark.parametrize(("rollout", "extra", "expected"), [
    ("{}", "", ["deployment-api.yaml", "networkpolicy-api.yaml", "service-api-metrics.yaml",
                "service-api.yaml", "servicemonitor-api.yaml"]),
    ("{}", "    replicas: 3\n", ["deployment-api.yaml", "networkpolicy-api.yaml",
                                 "poddisruptionbudget-api.yaml", "service-api-metrics.yaml",
                                 "service-api.yaml", "servicemonitor-api.yaml"]),
    (CANARY, "", ["analysistemplate-api-gate.yaml", "analysistemplate-api-rollback.yaml",
                  "networkpolicy-api.yaml", "rollout-api.yaml", "service-api-canary.yaml",
                  "service-api-metrics.yaml", "service-api.yaml", "servicemonitor-api.yaml",
                  "virtualservice-api.yaml"]),
    (BLUE_GREEN, "", ["analysistemplate-api-gate.yaml", "analysistemplate-api-rollback.yaml",
                      "networkpolicy-api.yaml", "rollout-api.yaml", "service-api-metrics.yaml",
                      "service-api-preview.yaml", "service-api.yaml", "servicemonitor-api.yaml",
                      "virtualservice-api.yaml"]),
    (SHADOW, "    autoscaling: {min_replicas: 2, max_replicas: 4}\n",
     ["deployment-api-candidate.yaml", "deployment-api-stable.yaml",
      "horizontalpodautoscaler-api-candidate.yaml", "horizontalpodautoscaler-api-stable.yaml",
      "networkpolicy-api.yaml", "poddisruptionbudget-api-candidate.yaml",
      "poddisruptionbudget-api-stable.yaml", "service-api-candidate.yaml",
      "service-api-metrics.yaml", "service-api.yaml", "servicemonitor-api.yaml",
      "virtualservice-api.yaml"]),
    ("{}", "    mode: batch\n    schedule: '0 3 * * *'\n",
     ["cronjob-api.yaml", "networkpolicy-api.yaml"]),
    (CANARY, "    flavour: kserve\n", ["inferenceservice-api.yaml", "service-api-metrics.yaml",
                                      "servicemonitor-api.yaml"]),
])
def test_objects_per_strategy_validate(rollout, extra, expected):
    objs, _ = build(rollout, extra)
    assert kinds(objs) == expected
    assert {p: e for p, obj in objs.items() if (e := validation_errors(obj))} == {}


@pytest.mark.parametrize(("rollout", "extra", "ingress"), [
    (CANARY, "", [{"ports": [{"port": "http", "protocol": "TCP"}]}]),
    ("{}", "    mode: batch\n    schedule: '0 3 * * *'\n", None),
])
def test_network_policy_admits_the_serving_port_only(rollout, extra, ingress):
    """Every pod of the deployment (all tracks) takes connections on its named serving port
    only; batch pods take none. Egress stays open."""
    objs, _ = build(rollout, extra)
    spec = one(objs, "networkpolicy-api.yaml")["spec"]
    assert spec.get("ingress") == ingress
    assert spec["policyTypes"] == ["Ingress"]
    assert spec["podSelector"] == {"matchLabels": {"app.kubernetes.io/instance": "api",
                                                   "app.kubernetes.io/name": "iris-classifier"}}


def test_canary_rollout_steps_routes_and_analysis():
    objs, diagnostics = build(CANARY)
    assert diagnostics == []
    canary = one(objs, "rollout-api.yaml")["spec"]["strategy"]["canary"]
    assert canary["steps"] == [{"setWeight": 10}, {"pause": {"duration": "300s"}},
                               {"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]
    assert canary["trafficRouting"] == {"istio": {"virtualServices": [{"name": "api",
                                                                       "routes": ["primary"]}]}}
    # Argo re-weights the named route of the named VirtualService, whose two destinations must
    # be exactly the stable and the canary Service.
    service = one(objs, "virtualservice-api.yaml")
    (route,) = service["spec"]["http"]
    assert (service["metadata"]["name"], route["name"]) == ("api", "primary")
    assert [d["destination"]["host"] for d in route["route"]] == [canary["stableService"],
                                                                 canary["canaryService"]]
    assert {one(objs, f"service-{h}.yaml")["metadata"]["name"] for h in ("api", "api-canary")} \
        == {"api", "api-canary"}
    assert canary["analysis"] == {
        "args": [{"name": "candidate-hash", "valueFrom": {"podTemplateHashValue": "Latest"}}],
        "templates": [{"templateName": "api-gate"}, {"templateName": "api-rollback"}]}
    route = one(objs, "virtualservice-api.yaml")["spec"]["http"][0]
    assert [(r["destination"]["host"], r["weight"]) for r in route["route"]] == [
        ("api", 100), ("api-canary", 0)]


def test_analysis_conditions_come_from_the_slos():
    """Gate: too few requests (or none) is inconclusive, never a pass; three inconclusive
    measurements pause the rollout. The spec's failure_limit holds for the gate and the
    rollback triggers alike."""
    objs, _ = build(CANARY)
    gate = one(objs, "analysistemplate-api-gate.yaml")["spec"]["metrics"]
    assert [(m["name"], m["successCondition"], m["failureCondition"], m["failureLimit"],
             m["inconclusiveLimit"], m["interval"]) for m in gate] == [
        ("slo-api-avail", "len(result) > 0 && result[0] <= 0.001",
         "len(result) > 0 && result[0] > 0.001", 2, 3, "1m"),
        ("slo-api-latency", "len(result) > 0 && result[0] <= 0.01",
         "len(result) > 0 && result[0] > 0.01", 2, 3, "1m")]
    # the environment's namespace (staging and production series differ only there), then
    # the new pods
    new_pods = 'rollouts_pod_template_hash="{{args.candidate-hash}}"'
    api = 'namespace="dev",service="api"'
    assert gate[0]["provider"]["prometheus"]["query"] == (
        f'(sum(rate(http_requests_total{{{api},code=~"5..",{new_pods}}}[5m]))'
        f' or vector(0)) / (sum(rate(http_requests_total{{{api},{new_pods}}}[5m])) > 0)'
        f' and on() (sum(increase(http_requests_total{{{api},{new_pods}}}[5m]))'
        ' >= 10000)')
    assert one(objs, "analysistemplate-api-gate.yaml")["spec"]["args"] == [
        {"name": "candidate-hash"}]
    rollback = one(objs, "analysistemplate-api-rollback.yaml")["spec"]["metrics"]
    assert [(m["name"], m["failureCondition"], m["failureLimit"]) for m in rollback] == [
        ("rollback-0-slo-breach-api-avail", "len(result) > 0 && result[0] > 0.001", 2),
        ("rollback-1-error-rate", "len(result) > 0 && result[0] > 0.05", 2),
        ("rollback-2-latency-p99", "len(result) > 0 && result[0] > 0.3", 2)]
    assert rollback[2]["provider"]["prometheus"]["query"] == (
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket'
        f'{{{api},{new_pods}}}[5m]))) and on() (sum(rate('
        f'http_request_duration_seconds_count{{{api},{new_pods}}}[5m])) > 0)')


@pytest.mark.parametrize(("strategy", "service"), [
    ("canary, steps: [{weight: 50}]", "api-canary"),  # the canary's share of the traffic
    ("blue-green", "api"),  # after promotion, the active Service carries the new version
])
def test_rollback_without_slos_falls_back_to_istio_metrics(strategy, service):
    objs, _ = build(f"{{strategy: {strategy}, rollback: [{{type: error_rate, threshold: 0.1}}, "
                    "{type: latency, threshold: 0.5}]}", slos="")
    template = one(objs, "analysistemplate-api-rollback.yaml")["spec"]
    subject = (f'{{destination_service_name="{service}",destination_service_namespace="dev",'
               'reporter="source"')
    queries = [m["provider"]["prometheus"]["query"] for m in template["metrics"]]
    errors = (f"(sum(rate(istio_requests_total{subject},response_code=~\"5..\"}}[5m]))"
              f" or vector(0)) / (sum(rate(istio_requests_total{subject}}}[5m])) > 0)")
    p99 = (f"histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket"
           f"{subject}}}[5m]))) / 1000 and on() (sum(rate(istio_request_duration_milliseconds_count"
           f"{subject}}}[5m])) > 0)")
    assert queries == [errors, p99]
    assert "args" not in template  # Istio's series carry no pod-template hash


def test_blue_green_services_promotion_and_counted_analyses():
    objs, _ = build(BLUE_GREEN)
    blue_green = one(objs, "rollout-api.yaml")["spec"]["strategy"]["blueGreen"]
    latest = [{"name": "candidate-hash", "valueFrom": {"podTemplateHashValue": "Latest"}}]
    assert blue_green == {
        "activeService": "api", "autoPromotionEnabled": True, "previewService": "api-preview",
        "prePromotionAnalysis": {"args": latest, "templates": [{"templateName": "api-gate"}]},
        "postPromotionAnalysis": {"args": latest,
                                  "templates": [{"templateName": "api-rollback"}]},
        "scaleDownDelaySeconds": 600}
    gate = one(objs, "analysistemplate-api-gate.yaml")["spec"]["metrics"][0]
    assert gate["count"] == 5  # a pre-promotion analysis must end


def test_shadow_mirrors_to_a_candidate_that_never_answers():
    objs, diagnostics = build(SHADOW)
    # Standalone (no mirror_of): W561 says no live traffic of another deployment is mirrored.
    assert [c for c, _, _ in diagnostics] == ["W561"]
    http = one(objs, "virtualservice-api.yaml")["spec"]["http"]
    assert http == [{"mirror": {"host": "api-candidate", "port": {"number": 8080}},
                     "mirrorPercentage": {"value": 12.5}, "name": "primary",
                     "route": [{"destination": {"host": "api", "port": {"number": 8080}}}]}]
    # The users' Service selects the stable track only.
    assert one(objs, "service-api.yaml")["spec"]["selector"]["mlopsc.io/track"] == "stable"
    stable = one(objs, "deployment-api-stable.yaml")["spec"]["template"]["metadata"]["labels"]
    assert stable["app.kubernetes.io/version"] == "0.1.0"


@pytest.mark.parametrize(("rollout", "match", "primary"), [
    (AB_HEADER, [{"headers": {"x-group": {"exact": "b"}}}], [("api", 80), ("api-candidate", 20)]),
    (AB_COOKIE, [{"headers": {"cookie": {"regex": "^(.*;\\s*)?grp=v\\.2(;.*)?$"}}}],
     [("api", 100)]),
])
def test_ab_routes(rollout, match, primary):
    objs, _ = build(rollout)
    http = one(objs, "virtualservice-api.yaml")["spec"]["http"]
    assert http[0]["match"] == match
    assert http[0]["route"][0]["destination"]["host"] == "api-candidate"
    assert [(r["destination"]["host"], r["weight"]) for r in http[1]["route"]] == primary


def test_kserve_canary_traffic_percent_and_set_flavour():
    objs, diagnostics = build("{strategy: canary, steps: [{weight: 25}]}", "",
                              {"kubernetes.flavour": "kserve"})
    predictor = one(objs, "inferenceservice-api.yaml")["spec"]["predictor"]
    assert predictor["canaryTrafficPercent"] == 25 and predictor["minReplicas"] == 1
    assert diagnostics == []


def test_kserve_pods_are_scraped():
    """The SLOs of a KServe deployment read data: a metrics Service over every predictor pod
    (both revisions), on the container's port number, and the same ServiceMonitor labels."""
    objs, _ = build(CANARY, "    flavour: kserve\n")
    service = one(objs, "service-api-metrics.yaml")["spec"]
    assert service["selector"] == {"serving.kserve.io/inferenceservice": "api"}
    assert service["ports"][0]["targetPort"] == 8080 and service["clusterIP"] == "None"
    monitor = one(objs, "servicemonitor-api.yaml")["spec"]
    assert monitor["endpoints"][0]["relabelings"][0]["replacement"] == "api"
    assert "rollouts-pod-template-hash" not in monitor["podTargetLabels"]


@pytest.mark.parametrize(("schedule", "starting", "active"), [
    ("0 3 * * *", 600, 86400 - 600),        # daily: 10 minutes to start, done before the next
    ("*/15 * * * *", 90, 900 - 90),          # a tenth of the gap to start
    ("0 9 * * 1-5", 600, 86400 - 600),       # the shortest gap (Mon-Fri), not the weekend's
    ("* * * * *", 10, 50),                   # the controller's 10 s resolution
])
def test_cronjob_deadlines(schedule, starting, active):
    """A hung Job is stopped before the next run, which starts within its own deadline, so
    `concurrencyPolicy: Forbid` never blocks later runs."""
    objs, _ = build("{}", f"    mode: batch\n    schedule: '{schedule}'\n")
    spec = one(objs, "cronjob-api.yaml")["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["startingDeadlineSeconds"] == starting
    assert spec["jobTemplate"]["spec"]["activeDeadlineSeconds"] == active


@pytest.mark.parametrize(("rollout", "extra", "settings", "code", "field"), [
    (SHADOW, "    flavour: kserve\n", None, "E533", "deployments.api.rollout.strategy"),
    (AB_HEADER, "", {"kubernetes.flavour": "kserve"}, "E533", "deployments.api.rollout.strategy"),
    (BLUE_GREEN, "    flavour: kserve\n", None, "E533", "deployments.api.rollout.strategy"),
    ("{strategy: canary, steps: [{weight: 25}]}", "    flavour: kserve\n",
     {"kubernetes.kserve-mode": "raw"}, "W534", "deployments.api.rollout.steps"),
    ("{strategy: canary, steps: [{weight: 10}, {weight: 100}]}", "    flavour: kserve\n", None,
     "W534", "deployments.api.rollout.steps"),
    (CANARY, "    flavour: kserve\n", {"kubernetes.kserve-mode": "raw"}, "W539",
     "deployments.api.rollout.analysis"),
    (SHADOW, "    mode: streaming\n", None, "E533", "deployments.api.rollout.strategy"),
    ("{strategy: ab, match: {header: 'x y', value: b}}", "", None, "E538",
     "deployments.api.rollout.match.header"),
    ("{}", "    autoscaling: {min_replicas: 0, max_replicas: 3}\n", None, "W537",
     "deployments.api.autoscaling.min_replicas"),
    ("{}", "    labels: {'bad key!': x}\n", None, "E530", 'deployments.api.labels["bad key!"]'),
    ("{}", "    labels: {app.kubernetes.io/name: x}\n", None, "W531",
     'deployments.api.labels["app.kubernetes.io/name"]'),
    ("{}", "    labels: {team: 'a b'}\n", None, "W532", "deployments.api.labels.team"),
    ("{strategy: shadow, mirror_percent: 5, analysis: {slos: [a]}}",
     "", None, "W539", "deployments.api.rollout.analysis"),
])
def test_diagnostics(rollout, extra, settings, code, field):
    _, diagnostics = build(rollout, extra, settings)
    assert (code, field) in [(c, p) for c, _, p in diagnostics]
    # W561: a standalone shadow (no mirror_of) mirrors no other deployment's traffic
    assert {c for c, _, _ in diagnostics} <= {code, "W534", "W539", "W561"}


def test_secure_defaults_and_secret_references():
    extra = ("    env: {TOKEN: {secret: api-creds, key: token}, MODE: 'on'}\n"
             "    resources: {cpu: 500m, memory: 1Gi}\n")
    objs, _ = build("{}", extra)
    pod = one(objs, "deployment-api.yaml")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
        "privileged": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True}
    assert pod["securityContext"] == {"runAsNonRoot": True,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["automountServiceAccountToken"] is False
    assert container["env"][:2] == [
        {"name": "MLOPSC_MODEL", "value": "iris-classifier"},
        {"name": "MLOPSC_MODEL_VERSION", "value": "0.2.0"}]
    assert {"name": "MODE", "value": "on"} in container["env"]
    assert {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"key": "token", "name": "api-creds"}}} \
        in container["env"]
    assert container["resources"] == {"limits": {"memory": "1Gi"},
                                      "requests": {"cpu": "500m", "memory": "1Gi"}}


def test_standard_labels_and_header():
    files, _ = emit(deployment(), base=BASE)
    text = files["dev/api/deployment-api.yaml"]
    assert text.startswith("# generated by mlopsc 0.0.0 from mlops.yaml; do not edit\n")
    labels = yaml.safe_load(text)["metadata"]["labels"]
    assert labels == {
        "app.kubernetes.io/component": "model-server", "app.kubernetes.io/instance": "api",
        "app.kubernetes.io/managed-by": "mlopsc", "app.kubernetes.io/name": "iris-classifier",
        "app.kubernetes.io/part-of": "iris-demo", "app.kubernetes.io/version": "0.2.0",
        "mlopsc.io/environment": "dev", "mlopsc.io/model": "iris-classifier",
        "mlopsc.io/model-version": "0.2.0", "mlopsc.io/risk-tier": "minimal"}


def test_kserve_predictor_is_what_knative_accepts():
    """Knative's webhook takes a port named http1 or h2c, no `privileged` before 1.17 and no
    pod-level securityContext without a feature flag; the restrictions move to the container."""
    probes = "    probes: {readiness_path: /ready, liveness_path: /live}\n"
    objs, _ = build("{strategy: canary, steps: [{weight: 25}]}", probes,
                    {"kubernetes.flavour": "kserve"})
    predictor = one(objs, "inferenceservice-api.yaml")["spec"]["predictor"]
    assert "securityContext" not in predictor
    (container,) = predictor["containers"]
    assert container["ports"] == [{"containerPort": 8080, "name": "http1", "protocol": "TCP"}]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": True, "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"}}
    assert [container[p]["httpGet"] for p in ("livenessProbe", "readinessProbe")] == [
        {"path": "/live", "port": 8080}, {"path": "/ready", "port": 8080}]


def _pod_specs(obj: dict) -> list[dict]:
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    if obj["kind"] == "InferenceService":
        return [spec["predictor"]]
    return [spec["template"]["spec"]] if "template" in spec else []


def restricted_violations(pod: dict) -> list[str]:
    """What the `restricted` Pod Security Standard would refuse in a pod spec."""
    pod_security = pod.get("securityContext", {})
    out = ["hostNetwork"] if pod.get("hostNetwork") else []
    for c in pod["containers"]:
        sec = c.get("securityContext", {})
        if sec.get("allowPrivilegeEscalation") is not False:
            out.append("allowPrivilegeEscalation")
        if sec.get("capabilities", {}).get("drop") != ["ALL"]:
            out.append("capabilities")
        if sec.get("privileged"):
            out.append("privileged")
        if not sec.get("runAsNonRoot", pod_security.get("runAsNonRoot")):
            out.append("runAsNonRoot")
        seccomp = sec.get("seccompProfile", pod_security.get("seccompProfile", {}))
        if seccomp.get("type") not in ("RuntimeDefault", "Localhost"):
            out.append("seccompProfile")
        if not sec.get("readOnlyRootFilesystem"):
            out.append("readOnlyRootFilesystem")  # stricter than the standard: mlopsc's default
    return out


@pytest.mark.parametrize(("rollout", "extra", "settings"), [
    ("{}", "", None), (CANARY, "", None), (BLUE_GREEN, "", None), (SHADOW, "", None),
    (AB_HEADER, "", None), ("{}", "    mode: batch\n    schedule: '0 3 * * *'\n", None),
    (CANARY, "", {"kubernetes.flavour": "kserve"}),
    (CANARY, "", {"kubernetes.flavour": "kserve", "kubernetes.kserve-mode": "raw"}),
])
def test_every_pod_meets_the_restricted_pod_security_standard(rollout, extra, settings):
    objs, _ = build(rollout, extra, settings)
    pods = [pod for obj in objs.values() for pod in _pod_specs(obj)]
    assert pods
    assert {i: v for i, pod in enumerate(pods) if (v := restricted_violations(pod))} == {}
    assert all(pod["automountServiceAccountToken"] is False for pod in pods)


def test_relaxed_security_is_written_as_asked_and_seen():
    # The spec may relax the defaults explicitly; the checker above must notice it.
    extra = "    security: {allow_privilege_escalation: true, run_as_non_root: false}\n"
    objs, _ = build("{}", extra)
    (pod,) = _pod_specs(one(objs, "deployment-api.yaml"))
    assert restricted_violations(pod) == ["allowPrivilegeEscalation", "runAsNonRoot"]


@pytest.mark.parametrize("name", ["analysis", "istio", "meta", "pod", "rollouts", "workloads"])
def test_docstring_examples(name):
    module = importlib.import_module(f"mlopsc.targets.kubernetes.{name}")
    result = doctest.testmod(module)
    assert (result.failed, result.attempted > 0) == (0, True)


@pytest.mark.parametrize("rollout", [
    "{strategy: shadow, mirror_percent: 5, rollback: [{type: error_rate, threshold: 0.1}]}",
    ("{strategy: ab, match: {header: x-group, value: b}, "
     "rollback: [{type: error_rate, threshold: 0.1}]}"),
])
def test_rollback_triggers_dep006_requires_are_not_warned_about(rollout):
    """DEP-006 asks every production deployment for rollback triggers, whatever its
    strategy: a W539 for them could not be fixed in the spec."""
    _, diagnostics = build(rollout, "", None)
    assert [c for c, _, _ in diagnostics if c != "W561"] == []


DRIFT_TRIGGER = "        - {type: drift, monitor: scorer-feature-drift}\n"


def test_drift_is_not_a_canary_abort_signal(tmp_path):
    """The flagship with a drift rollback trigger added to the scorer's canary: both
    versions see the same inputs, so the trigger is left out of the rollback template, and
    W560 says why, at its line."""
    from conftest import ROOT
    from test_kubernetes_helpers import emit_ir, ir_of

    from mlopsc import api
    from mlopsc.driver import Options

    last = "        - {type: slo_breach, slo: scorer-latency}\n"
    text = (ROOT / "mlops.yaml").read_text()
    assert text.count(last) == 1 and DRIFT_TRIGGER not in text
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text.replace(last, last + DRIFT_TRIGGER))
    files, diagnostics = emit_ir(ir_of(spec))
    assert [(c, p) for c, _, p in diagnostics if c == "W560"] == [
        ("W560", "deployments.fraud-scorer.rollout.rollback[2]")]
    rollback = yaml.safe_load(
        files["prod/fraud-scorer/analysistemplate-fraud-scorer-rollback.yaml"])
    assert [m["name"] for m in rollback["spec"]["metrics"]] == [
        "rollback-0-slo-breach-scorer-availability", "rollback-1-slo-breach-scorer-latency"]
    (found,) = [d for d in api.validate(Options(spec=str(spec), targets=("kubernetes",)))
                .diagnostics if d.code == "W560"]
    line = spec.read_text().splitlines().index(DRIFT_TRIGGER.rstrip("\n")) + 1
    assert found.span is not None and found.span.line == line
