"""Argo Rollouts and traffic details of the Kubernetes target: the blue-green rollback
window (and W565), and a shadow's mirror on a Gateway API deployment's HTTPRoute."""

from __future__ import annotations

import copy
import math

import pytest
import yaml
from test_kubernetes import BASE as K8S_BASE
from test_kubernetes import BLUE_GREEN, CANARY, build, one
from test_kubernetes_helpers import emit, objects, validation_errors
from test_semantic import BASE, findings

from mlopsc.targets.kubernetes.analysis import watch_count


# ---------------------------------------------------------------- blue-green rollback window
@pytest.mark.parametrize(("window", "interval", "count"), [
    (1800, 60, 31),     # the default: 30m at the default 1m interval
    (1800, 120, 16),
    (1800, 420, 6),     # 30m is not a whole number of 7m intervals: one more, at 35m
    (3600, 90, 41),
    (60, 300, 2),       # a window shorter than an interval: one measurement after it
    (0.3, 0.1, 4),      # 0.3 / 0.1 is 2.9999999999999996 in floating point
])
def test_watch_count_spans_the_window(window, interval, count):
    """Argo takes the first measurement at the switch and one per interval after it: the
    last one must come at the window's end or in the first interval after it."""
    assert watch_count(window, interval) == count
    assert (count - 1) * interval >= window - 1e-9
    assert (count - 2) * interval < window


def _post_promotion(rollout: str):
    objs, diagnostics = build(rollout)
    blue_green = one(objs, "rollout-api.yaml")["spec"]["strategy"]["blueGreen"]
    rollback = one(objs, "analysistemplate-api-rollback.yaml")
    return blue_green, rollback, diagnostics


def test_blue_green_rollback_triggers_watch_the_whole_window():
    """Default window 30m at the default 1m interval: 31 measurements, the last 30 minutes
    after the switch. No scale_down_delay: no scaleDownDelaySeconds, so Argo keeps the old
    ReplicaSet until the post-promotion analysis ends (an abort switches back at once)."""
    rollout = ("{strategy: blue-green, analysis: {slos: [api-avail]}, "
               "rollback: [{type: slo_breach, slo: api-latency}, "
               "{type: error_rate, threshold: 0.05}]}")
    blue_green, rollback, _ = _post_promotion(rollout)
    assert "scaleDownDelaySeconds" not in blue_green
    assert blue_green["postPromotionAnalysis"]["templates"] == [{"templateName": "api-rollback"}]
    assert [(m["count"], m["interval"]) for m in rollback["spec"]["metrics"]] == \
        [(31, "1m"), (31, "1m")]
    assert validation_errors(rollback) == []


def test_rollback_window_and_interval_from_the_spec():
    """A 1h window at a 2m interval: 31 measurements; the gate keeps its own count (it must
    end for the switch to happen)."""
    rollout = ("{strategy: blue-green, rollback_window: 1h, scale_down_delay: 2h, "
               "analysis: {slos: [api-avail], interval: 2m, count: 3}, "
               "rollback: [{type: slo_breach, slo: api-latency}]}")
    blue_green, rollback, _ = _post_promotion(rollout)
    assert blue_green["scaleDownDelaySeconds"] == 7200
    (metric,) = rollback["spec"]["metrics"]
    assert (metric["count"], metric["interval"]) == (31, "2m")
    objs, _ = build(rollout)
    gate = one(objs, "analysistemplate-api-gate.yaml")["spec"]["metrics"]
    assert [m["count"] for m in gate] == [3]
    assert validation_errors(rollback) == []


def test_a_canary_background_analysis_has_no_window():
    """The canary's rollback triggers run in the background analysis, which ends with the
    last step: no count unless analysis.count says so."""
    objs, _ = build(CANARY)
    rollback = one(objs, "analysistemplate-api-rollback.yaml")["spec"]["metrics"]
    assert all("count" not in m for m in rollback)


def _blue_green_doc(**rollout) -> dict:
    doc = copy.deepcopy(BASE)
    doc["deployments"]["d"]["rollout"] = {
        "strategy": "blue-green", "analysis": {"slos": ["avail"]},
        "rollback": [{"type": "slo_breach", "slo": "avail"}], **rollout}
    return doc


@pytest.mark.parametrize(("rollout", "expected"), [
    ({"scale_down_delay": "10m"},
     [("W565", "deployments.d.rollout.scale_down_delay",
       ("scale_down_delay 10m is shorter than the rollback window 30m: the old version may "
        "be scaled down (and the rollback triggers' analysis ended) before the window is "
        "over"))]),
    ({"scale_down_delay": "10m", "rollback_window": "5m"}, []),
    ({"scale_down_delay": "30m"}, []),
    ({}, []),  # no delay: Argo keeps the old version until the analysis ends
    ({"scale_down_delay": "10m", "rollback": []}, []),  # no triggers, no analysis after
    ({"scale_down_delay": "10m",
      "rollback": [{"type": "drift", "monitor": "drift"}]}, []),  # left out (W560)
])
def test_w565_scale_down_before_the_window_ends(rollout, expected):
    found = [f for f in findings(_blue_green_doc(**rollout)) if f[0] in ("W565", "E312")]
    assert found == expected


def test_rollback_window_belongs_to_blue_green():
    doc = copy.deepcopy(BASE)
    doc["deployments"]["d"]["rollout"]["rollback_window"] = "1h"
    assert [f for f in findings(doc) if f[0] == "E312"] == [
        ("E312", "deployments.d.rollout.rollback_window",
         "`rollback_window` belongs to the blue-green strategy, not canary")]


def test_w565_has_a_hint_and_a_line(tmp_path):
    """``validate`` reports W565 at the user's line, with the fix."""
    from mlopsc import api
    from mlopsc.driver import Options

    text = (tmp_path / "mlops.yaml")
    doc = _blue_green_doc(scale_down_delay="10m")
    text.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = api.validate(Options(spec=str(text)), targets=False)
    (found,) = [d for d in result.diagnostics if d.code == "W565"]
    line = next(i for i, t in enumerate(text.read_text().splitlines(), 1)
                if "scale_down_delay" in t)
    assert found.span is not None and found.span.line == line
    assert found.hint == "leave `scale_down_delay` out, or make it at least 30m"


def test_blue_green_in_test_kubernetes_keeps_the_old_version_for_its_window():
    """The shared BLUE_GREEN fixture (scale_down_delay 10m) gets the window's count even so:
    W565 (a check pass) tells the user; the target writes what the spec says."""
    blue_green, rollback, _ = _post_promotion(BLUE_GREEN)
    assert blue_green["scaleDownDelaySeconds"] == 600
    assert rollback["spec"]["metrics"][0]["count"] == math.ceil(1800 / 60) + 1


# ---------------------------------------------------------------- shadow of a Gateway API route
GATEWAY_SHADOW = """deployments:
  api:
    model: iris-classifier
    environment: dev
    image: ghcr.io/acme/iris:0.2.0
    traffic: {router: gateway-api, gateway: {name: public, namespace: gw}}
    rollout: {strategy: blue-green}
  api-shadow:
    model: iris-classifier
    environment: dev
    image: ghcr.io/acme/iris:0.2.0
    port: 9000
    rollout: {strategy: shadow, mirror_of: api, mirror_percent: PERCENT}
"""


@pytest.mark.parametrize(("percent", "amount"), [
    ("100", {"percent": 100}),
    ("12.5", {"fraction": {"denominator": 8, "numerator": 1}}),
])
def test_mirror_of_a_gateway_api_deployment_is_a_request_mirror_filter(percent, amount):
    files, diagnostics = emit(GATEWAY_SHADOW.replace("PERCENT", percent), base=K8S_BASE)
    objs = objects(files)
    route = objs["dev/api/httproute-api.yaml"]
    assert route["spec"]["rules"] == [{
        "backendRefs": [{"kind": "Service", "name": "api", "port": 8080}],
        "filters": [{"requestMirror": {"backendRef": {"kind": "Service",
                                                      "name": "api-shadow-candidate",
                                                      "port": 9000}, **amount},
                     "type": "RequestMirror"}]}]
    assert not [p for p in objs if p.startswith("dev/api-shadow/")
                and ("httproute" in p or "virtualservice" in p)]
    assert [c for c, _, _ in diagnostics if c.startswith("E")] == []


def test_an_inexpressible_share_writes_no_mirror():
    """E346 on the shadow; the mirrored route never falls back to mirroring everything."""
    files, diagnostics = emit(GATEWAY_SHADOW.replace("PERCENT", "33.3333333333"),
                              base=K8S_BASE)
    assert [(c, p) for c, _, p in diagnostics if c == "E346"] == [
        ("E346", "deployments.api-shadow.rollout.mirror_percent")]
    route = objects(files)["dev/api/httproute-api.yaml"]
    assert "filters" not in route["spec"]["rules"][0]


def test_mirror_of_on_a_canary_still_needs_its_gateway():
    """``mirror_of`` off a shadow is ignored (W562): the canary's own route still needs its
    Gateway (E345)."""
    spec = GATEWAY_SHADOW.replace("PERCENT", "10").replace(
        "traffic: {router: gateway-api, gateway: {name: public, namespace: gw}}\n"
        "    rollout: {strategy: blue-green}",
        "traffic: {router: gateway-api}\n    rollout: {strategy: blue-green, mirror_of: x}")
    _, diagnostics = emit(spec, base=K8S_BASE)
    assert {"E345", "W562"} <= {c for c, _, _ in diagnostics}
