"""The flagship's shadow stage, as a platform runs it.

- the client-facing route (``fraud-scorer``'s VirtualService, ``primary`` route) mirrors
  100 % of live requests to the shadow's candidate Service; the shadow deploys only the
  candidate and has no route of its own;
- ``mirror_of`` is checked by ``validate``: E343 (no usable deployment), E344 (no route
  that can carry the mirror), W561 (a shadow that mirrors nobody), W562 (mirror_of off a
  shadow);
- the shadow SLO reads only the candidate: the scrape is simulated from the generated
  metrics Services and ServiceMonitors (which pods each selects, which ``service`` label
  it writes), and the real promtool computes the SLO's ratio from those series: stable
  pods healthy, candidate at 10 % errors under a 100 % mirror reads 10 %, not 5 %;
- the shadow verdict (the canary's first step) reads its own environment's namespace: under
  ``--env staging`` production's failing shadow neither fails staging's verdict nor lends
  it requests (promtool evaluates the generated queries over both environments' series).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_alert_behaviour import counter, fires, flagship

from mlopsc import __version__
from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import Options, run
from mlopsc.target import EmitOptions
from mlopsc.targets.kubernetes.target import KubernetesTarget

pytestmark = pytest.mark.integration
SHADOW_ROLLOUT = "      strategy: shadow\n      mirror_of: fraud-scorer\n"


def manifests(spec: Path) -> tuple[dict[str, dict], list[str]]:
    """The kubernetes target's objects by path, and the codes of everything reported."""
    compilation = run(Options(spec=str(spec)), until="lower")
    bag = Diagnostics()
    artifacts = KubernetesTarget().emit(compilation.ir, EmitOptions(__version__, "mlops.yaml"),
                                        bag)
    codes = [d.code for d in [*compilation.diagnostics, *bag]]
    return {a.path: yaml.safe_load(a.content) for a in artifacts
            if not a.path.endswith("kustomization.yaml")}, codes


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "mlops.yaml").read_text()
    assert text.count(old) == 1, old
    path = tmp_path / "mlops.yaml"
    path.write_text(text.replace(old, new))
    return path


def test_client_route_mirrors_to_the_shadow_candidate():
    objs, codes = manifests(ROOT / "mlops.yaml")
    assert not {"E343", "E344", "W561", "W562"} & set(codes)
    http = objs["prod/fraud-scorer/virtualservice-fraud-scorer.yaml"]["spec"]["http"]
    assert [r["name"] for r in http] == ["primary"]
    assert http[0]["mirror"] == {"host": "fraud-scorer-shadow-candidate",
                                 "port": {"number": 8080}}
    assert http[0]["mirrorPercentage"] == {"value": 100.0}
    # the canary's weights are still on the same route, which Argo Rollouts re-weights
    assert [d["destination"]["host"] for d in http[0]["route"]] == \
        ["fraud-scorer", "fraud-scorer-canary"]
    shadow = sorted(p.rsplit("/", 1)[1] for p in objs if p.startswith("prod/fraud-scorer-shadow/"))
    assert "deployment-fraud-scorer-shadow-candidate.yaml" in shadow
    assert not [p for p in shadow if "stable" in p or p.startswith("virtualservice")]


@pytest.mark.parametrize(("old", "new", "code"), [
    (SHADOW_ROLLOUT, "      strategy: shadow\n      mirror_of: nobody\n", "E343"),
    (SHADOW_ROLLOUT, "      strategy: shadow\n      mirror_of: fraud-scorer-shadow\n", "E343"),
    (SHADOW_ROLLOUT, "      strategy: shadow\n", "W561"),
    ("      strategy: canary\n", "      strategy: canary\n      mirror_of: fraud-scorer\n",
     "W562"),
])
def test_mirror_of_is_checked(tmp_path, old, new, code):
    _, codes = manifests(variant(tmp_path, old, new))
    assert code in codes


def test_a_rolling_deployment_cannot_carry_the_mirror(tmp_path):
    path = variant(tmp_path, "      strategy: canary\n", "      strategy: rolling\n")
    text = path.read_text()
    # the canary-only settings go too, so rolling is otherwise valid
    start = text.index("      strategy: rolling\n")
    end = text.index("\n\n", start)
    path.write_text(text[:start] + "      strategy: rolling\n" + text[end:])
    _, codes = manifests(path)
    assert "E344" in codes


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def scraped_service_labels(objs: dict[str, dict], pod_labels: dict[str, str]) -> list[str]:
    """The ``service`` label of each series a pod's scrape yields: one per metrics Service
    selecting the pod, relabelled by the ServiceMonitor that selects that Service."""
    found = []
    for svc in (o for o in objs.values() if o["kind"] == "Service"
                and o["metadata"]["labels"].get("mlopsc.io/role") == "metrics"):
        if not _selects(svc["spec"]["selector"], pod_labels):
            continue
        for mon in (o for o in objs.values() if o["kind"] == "ServiceMonitor"):
            if _selects(mon["spec"]["selector"]["matchLabels"], svc["metadata"]["labels"]):
                relabel = mon["spec"]["endpoints"][0]["relabelings"][0]
                found.append(relabel["replacement"])
    return found


def _pod_labels(objs: dict[str, dict], path: str) -> dict[str, str]:
    obj = objs[path]
    return dict(obj["spec"]["template"]["metadata"]["labels"])


def test_shadow_slo_reads_only_the_candidate(tmp_path):
    """100 requests a minute reach the stable pods (all healthy); the mirror copies each to
    the candidate, which fails 10 of them. The SLO's 5-minute error ratio must be 0.1."""
    objs, _ = manifests(ROOT / "mlops.yaml")
    stable = _pod_labels(objs, "prod/fraud-scorer/rollout-fraud-scorer.yaml")
    candidate = _pod_labels(objs, "prod/fraud-scorer-shadow/"
                                  "deployment-fraud-scorer-shadow-candidate.yaml")
    assert scraped_service_labels(objs, stable) == ["fraud-scorer"]
    assert scraped_service_labels(objs, candidate) == ["fraud-scorer-shadow"]
    series = []
    for pod, ok, bad in (("stable", 100, 0), ("candidate", 90, 10)):
        labels = stable if pod == "stable" else candidate
        for service in scraped_service_labels(objs, labels):
            base = f'namespace="fraud-prod",service="{service}",pod="{pod}"'
            series += [counter(f'http_requests_total{{{base},code="200"}}', (ok, 30)),
                       counter(f'http_requests_total{{{base},code="500"}}', (bad, 30))]
    expected = [{"labels": 'mlopsc:slo_error_ratio:rate5m{deployment="fraud-scorer-shadow",'
                           'namespace="fraud-prod",slo="shadow-availability"}', "value": 0.1}]
    fires(flagship("prod"), "rules/slo-shadow-availability.yaml", series, [], tmp_path,
          exprs=[{"expr": 'mlopsc:slo_error_ratio:rate5m{slo="shadow-availability"}',
                  "eval_time": "20m", "exp_samples": expected}])


def test_canary_waits_for_the_shadow_verdict(tmp_path):
    """Shadow before canary: the Rollout's first step runs the shadow SLOs' analysis, before
    any weight; without a shadow mirroring it, the canary starts with its first weight."""
    objs, _ = manifests(ROOT / "mlops.yaml")
    rollout = objs["prod/fraud-scorer/rollout-fraud-scorer.yaml"]["spec"]["strategy"]["canary"]
    assert rollout["steps"][0] == {"analysis": {"templates": [
        {"templateName": "fraud-scorer-shadow-verdict"}]}}
    assert "setWeight" in rollout["steps"][1]
    background = [t["templateName"] for t in rollout["analysis"]["templates"]]
    assert "fraud-scorer-shadow-verdict" not in background
    verdict = objs["prod/fraud-scorer/analysistemplate-fraud-scorer-shadow-verdict.yaml"]
    queries = [m["provider"]["prometheus"]["query"] for m in verdict["spec"]["metrics"]]
    assert all('service="fraud-scorer-shadow"' in q for q in queries)
    assert all(m["count"] >= 1 for m in verdict["spec"]["metrics"])  # the step ends
    objs, _ = manifests(variant(tmp_path, "      mirror_of: fraud-scorer\n", ""))
    rollout = objs["prod/fraud-scorer/rollout-fraud-scorer.yaml"]["spec"]["strategy"]["canary"]
    assert "setWeight" in rollout["steps"][0]


def verdict_queries(environment: str) -> dict[str, str]:
    """The shadow verdict's metric queries (by metric name) under ``--env environment``."""
    compilation = run(Options(spec=str(ROOT / "mlops.yaml"), environment=environment),
                      until="lower")
    artifacts = KubernetesTarget().emit(compilation.ir, EmitOptions(__version__, "mlops.yaml"),
                                        Diagnostics())
    (verdict,) = [yaml.safe_load(a.content) for a in artifacts
                  if a.path.endswith("analysistemplate-fraud-scorer-shadow-verdict.yaml")]
    return {m["name"]: m["provider"]["prometheus"]["query"] for m in verdict["spec"]["metrics"]}


def _shadow_series(namespace: str, ok: int, bad: int) -> list[dict]:
    base = f'namespace="{namespace}",service="fraud-scorer-shadow",pod="candidate"'
    return [counter(f'http_requests_total{{{base},code="200"}}', (ok, 30)),
            counter(f'http_requests_total{{{base},code="500"}}', (bad, 30))]


@pytest.mark.parametrize(("staging", "expected"), [
    # staging's shadow is healthy and busy: its verdict reads 0, not production's 10 %
    ((1000, 0), [{"labels": "{}", "value": 0}]),
    # staging's shadow is quiet (500 requests in 5m, the minimum is 2,000): empty, so
    # inconclusive; production's requests do not count towards staging's minimum
    ((100, 0), []),
])
def test_staging_shadow_verdict_ignores_production(tmp_path, staging, expected):
    """Production's shadow candidate fails 10 % of 1000 requests a minute (above the 0.5 %
    budget); the staging verdict's availability query, as generated, judges staging's
    series alone. The control below drops the namespace matcher and the verdict would read
    production's errors."""
    query = verdict_queries("staging")["shadow-shadow-availability"]
    assert 'namespace="fraud-staging"' in query and "fraud-prod" not in query
    assert 'namespace="fraud-prod"' in verdict_queries("prod")["shadow-shadow-availability"]
    series = [*_shadow_series("fraud-prod", 900, 100), *_shadow_series("fraud-staging", *staging)]
    fires(flagship("staging"), "rules/slo-shadow-availability.yaml", series, [], tmp_path,
          exprs=[{"expr": query, "eval_time": "20m", "exp_samples": expected}])
    unscoped = query.replace('namespace="fraud-staging",', "")
    with pytest.raises(AssertionError):  # the control: it can fail
        fires(flagship("staging"), "rules/slo-shadow-availability.yaml", series, [], tmp_path,
              exprs=[{"expr": unscoped, "eval_time": "20m", "exp_samples": expected}])


def test_validate_reports_a_bad_mirror_of_at_its_line(tmp_path):
    """``validate`` (targets run in memory) points at the `mirror_of` value."""
    text = (ROOT / "examples/recommender/mlops.yaml").read_text()
    assert text.count("mirror_of: ranker-ab\n") == 1
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text.replace("mirror_of: ranker-ab\n", "mirror_of: nobody\n"))
    done = subprocess.run([sys.executable, "-m", "mlopsc", "validate", str(spec)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    line = next(i for i, t in enumerate(spec.read_text().splitlines(), 1) if "nobody" in t)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"mlops.yaml:{line}:18: error[E343]" in done.stdout + done.stderr
