"""The Gateway API router, checked by real tools.

HTTPRoutes are validated by the validators that npm ``@kubernetes-models/gateway-api``
generated from the Gateway API CRDs' OpenAPI schemas (pinned in tests/node; see
tests/fixtures/schemas/crds/gateway.networking.k8s.io/SOURCE.md), Rollouts by the vendored
Argo Rollouts CRD schema, and every kustomization by ``kubectl kustomize``. The spec is the
test-only tests/fixtures/gateway-api/mlops.yaml (every strategy on ``gateway-api``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_kubernetes_helpers import emit_ir, ir_of, validation_errors

from mlopsc import api
from mlopsc.driver import Options

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "fixtures" / "gateway-api" / "mlops.yaml"
NODE_TOOLS = ROOT / "tests" / "node"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (see scripts/test.sh)")
    return found


def gateway_errors(objs: list[dict]) -> list[dict]:
    """Per object: the errors of @kubernetes-models/gateway-api's validators."""
    if not (NODE_TOOLS / "node_modules" / "@kubernetes-models" / "gateway-api").is_dir():
        pytest.fail("@kubernetes-models/gateway-api is missing: `npm ci --prefix tests/node`")
    done = subprocess.run([_tool("node"), str(NODE_TOOLS / "gateway_validate.mjs")],
                          input=json.dumps(objs), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _compile(spec: Path):
    result = api.compile(Options(spec=str(spec)))
    files = {a.path: a.content.decode() for a in result.artifacts
             if a.path.startswith("kubernetes/")}
    codes = [d.code for d in result.diagnostics]
    return files, codes, result


def _object(files: dict[str, str], deployment: str, prefix: str) -> dict:
    found = [yaml.safe_load(text) for path, text in files.items()
             if path.startswith(f"kubernetes/dev/{deployment}/{prefix}")]
    assert len(found) == 1, (deployment, prefix, sorted(files))
    return found[0]


@pytest.fixture(scope="module")
def compiled():
    files, codes, result = _compile(SPEC)
    assert result.artifacts, codes
    return files, codes


def test_every_httproute_passes_the_gateway_api_schema(compiled):
    files, _ = compiled
    routes = [yaml.safe_load(t) for p, t in files.items() if "/httproute-" in p]
    assert len(routes) == 5  # canary, blue-green, shadow, two A/B; iris-istio stays Istio
    assert all(r["spec"]["parentRefs"] == [{"group": "gateway.networking.k8s.io",
                                            "kind": "Gateway", "name": "public",
                                            "namespace": "gateway-system"}] for r in routes)
    assert [r["errors"] for r in gateway_errors(routes)] == [[]] * 5


def test_the_validator_rejects_a_broken_route(compiled):
    """The schema check can fail: a mirror percent above 100 and a weightless header match."""
    route = _object(compiled[0], "iris-shadow", "httproute-")
    route["spec"]["rules"][0]["filters"][0]["requestMirror"] = {
        "backendRef": {"name": "x", "port": 8080}, "percent": 150}
    assert gateway_errors([route])[0]["errors"]


def test_canary_route_and_rollout_plugin(compiled):
    files, _ = compiled
    route = _object(files, "iris-canary", "httproute-")
    assert route["spec"]["rules"] == [{"backendRefs": [
        {"kind": "Service", "name": "iris-canary", "port": 8080, "weight": 100},
        {"kind": "Service", "name": "iris-canary-canary", "port": 8080, "weight": 0}]}]
    rollout = _object(files, "iris-canary", "rollout-")
    assert rollout["spec"]["strategy"]["canary"]["trafficRouting"] == {
        "plugins": {"argoproj-labs/gatewayAPI": {"httpRoute": "iris-canary",
                                                 "namespace": "iris-dev"}}}
    assert route["metadata"]["namespace"] == "iris-dev"
    assert validation_errors(rollout) == []
    names = {s["metadata"]["name"] for p, t in files.items() if "/service-" in p
             for s in [yaml.safe_load(t)]}
    assert {"iris-canary", "iris-canary-canary"} <= names


def test_blue_green_switches_services_without_a_router_plugin(compiled):
    files, _ = compiled
    rollout = _object(files, "iris-bluegreen", "rollout-")
    assert "trafficRouting" not in rollout["spec"]["strategy"]["blueGreen"]
    route = _object(files, "iris-bluegreen", "httproute-")
    assert route["spec"]["rules"] == [{"backendRefs": [
        {"kind": "Service", "name": "iris-bluegreen", "port": 8080}]}]


def test_shadow_mirrors_the_declared_share(compiled):
    route = _object(compiled[0], "iris-shadow", "httproute-")
    assert route["spec"]["rules"][0]["filters"] == [{"type": "RequestMirror", "requestMirror": {
        "backendRef": {"kind": "Service", "name": "iris-shadow-candidate", "port": 8080},
        "fraction": {"numerator": 1, "denominator": 8}}}]  # 12.5 %


def test_ab_header_and_cookie_matches(compiled):
    files, codes = compiled
    header = _object(files, "iris-ab-header", "httproute-")["spec"]["rules"]
    assert header[0]["matches"] == [{"headers": [
        {"name": "x-experiment-group", "type": "Exact", "value": "treatment"}]}]
    assert [b["weight"] for b in header[1]["backendRefs"]] == [90, 10]
    cookie = _object(files, "iris-ab-cookie", "httproute-")["spec"]["rules"][0]["matches"]
    assert cookie[0]["headers"][0]["type"] == "RegularExpression"
    assert cookie[0]["headers"][0]["name"] == "Cookie"
    assert codes.count("W563") == 1


def test_istio_stays_the_default(compiled):
    files, _ = compiled
    assert any(p.startswith("kubernetes/dev/iris-istio/virtualservice-") for p in files)
    rollout = _object(files, "iris-istio", "rollout-")
    assert "istio" in rollout["spec"]["strategy"]["canary"]["trafficRouting"]


def test_kustomize_builds_every_folder_with_the_httproute(compiled, tmp_path):
    files, _ = compiled
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    folders = sorted(p.parent for p in tmp_path.rglob("kustomization.yaml"))
    assert len(folders) == 6
    for folder in folders:
        done = subprocess.run([_tool("kubectl"), "kustomize", str(folder)], capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        kinds = {o["kind"] for o in yaml.safe_load_all(done.stdout) if o}
        assert ("HTTPRoute" in kinds) == (folder.name != "iris-istio"), (folder, kinds)


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SPEC.read_text()
    assert old in text
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text.replace(old, new, 1))
    return spec


HOSTILE_VALUE = "a\"b' {{ .Values.x }}: {% raw %} $(rm -rf) ${x} #c --- *ref &a !!python"


def test_hostile_header_value_stays_data(tmp_path):
    spec = _variant(tmp_path, "value: treatment",
                    "value: " + json.dumps(HOSTILE_VALUE))
    files, _, _ = _compile(spec)
    route = _object(files, "iris-ab-header", "httproute-")
    assert route["spec"]["rules"][0]["matches"][0]["headers"][0]["value"] == HOSTILE_VALUE
    assert gateway_errors([route])[0]["errors"] == []


def test_line_breaks_never_reach_a_header(tmp_path):
    """The spec refuses line breaks in any one-line value (E330), so none reach a route."""
    spec = _variant(tmp_path, "value: treatment", 'value: "a\\nInjected: 1"')
    assert "E330" in _validate_codes(spec)


@pytest.mark.parametrize("name", ["x bad", "x:evil", "x/y", "{{ x }}", "é"])
def test_header_names_must_be_http_tokens(tmp_path, name):
    spec = _variant(tmp_path, "header: X-Experiment-Group", "header: " + json.dumps(name))
    result = api.validate(Options(spec=str(spec)))
    assert "E538" in [d.code for d in result.diagnostics]
    files, _ = emit_ir(ir_of(spec))  # the target's own output, which compile withholds
    rules = _object({f"kubernetes/{p}": t for p, t in files.items()}, "iris-ab-header",
                    "httproute-")["spec"]["rules"]
    assert all("matches" not in r for r in rules)  # the match route is left out
    assert name not in json.dumps(rules)


def _validate_codes(spec: Path) -> list[str]:
    return [d.code for d in api.validate(Options(spec=str(spec))).diagnostics]


def test_validate_reports_a_missing_gateway(tmp_path):
    spec = _variant(tmp_path, "      gateway: {name: public, namespace: gateway-system}\n", "")
    assert "E345" in _validate_codes(spec)


def test_validate_reports_an_inexpressible_mirror_share(tmp_path):
    spec = _variant(tmp_path, "mirror_percent: 12.5", "mirror_percent: 33.3333333333")
    assert "E346" in _validate_codes(spec)
    whole = _variant(tmp_path, "mirror_percent: 12.5", "mirror_percent: 25")
    files, _, _ = _compile(whole)
    mirror = _object(files, "iris-shadow", "httproute-")["spec"]["rules"][0]["filters"][0]
    assert mirror["requestMirror"]["percent"] == 25


MIRROR_SHADOW = """  iris-mirror:
    model: iris-classifier
    environment: dev
    owner: team-ml-platform
    image: ghcr.io/acme/iris-serve:0.1.0
    replicas: 1
    resources: {cpu: 100m, memory: 256Mi}
    rollout: {strategy: shadow, mirror_of: TARGET, mirror_percent: PERCENT}
"""


def _mirrored(tmp_path: Path, target: str, percent: str = "12.5") -> Path:
    shadow = MIRROR_SHADOW.replace("TARGET", target).replace("PERCENT", percent)
    return _variant(tmp_path, "\nslos:\n", "\n" + shadow + "\nslos:\n")


MIRROR = {"type": "RequestMirror", "requestMirror": {
    "backendRef": {"kind": "Service", "name": "iris-mirror-candidate", "port": 8080},
    "fraction": {"numerator": 1, "denominator": 8}}}


@pytest.mark.parametrize(("target", "rule"), [
    ("iris-canary", 0),     # the one rule, whose backendRefs the plugin re-weights
    ("iris-bluegreen", 0),  # the one rule, to the active Service
    ("iris-ab-header", 1),  # the last rule (requests the header match did not take)
])
def test_a_shadow_mirrors_a_gateway_api_deployment_on_its_route(tmp_path, target, rule):
    """``mirror_of`` a Gateway API deployment: its client-facing HTTPRoute copies the
    declared share of live requests to the shadow's candidate (RequestMirror), and the route
    passes the Gateway API validators. The shadow writes only its candidate, no route."""
    files, codes, result = _compile(_mirrored(tmp_path, target))
    assert result.artifacts and not {"E343", "E344", "E346"} & set(codes), codes
    route = _object(files, target, "httproute-")
    rules = route["spec"]["rules"]
    assert rules[rule]["filters"] == [MIRROR]
    assert all("filters" not in r for i, r in enumerate(rules) if i != rule)
    assert gateway_errors([route])[0]["errors"] == []
    shadow = sorted(p.rsplit("/", 1)[1] for p in files
                    if p.startswith("kubernetes/dev/iris-mirror/"))
    assert "deployment-iris-mirror-candidate.yaml" in shadow
    assert not [p for p in shadow if p.startswith(("httproute-", "virtualservice-"))]
    if target == "iris-canary":  # the weights the plugin rewrites are unchanged
        assert [(b["name"], b["weight"]) for b in rules[0]["backendRefs"]] == [
            ("iris-canary", 100), ("iris-canary-canary", 0)]


def test_the_validator_rejects_a_broken_mirror_on_a_mirrored_route(tmp_path):
    """The control: the same route mirroring 150 % is refused."""
    files, _, _ = _compile(_mirrored(tmp_path, "iris-canary", "25"))
    route = _object(files, "iris-canary", "httproute-")
    route["spec"]["rules"][0]["filters"][0]["requestMirror"]["percent"] = 150
    assert gateway_errors([route])[0]["errors"]


def test_a_mirror_share_a_gateway_api_route_cannot_hold(tmp_path):
    """The router really cannot express the share: E346 at the shadow's mirror_percent;
    a whole percentage is written as ``percent``."""
    spec = _mirrored(tmp_path, "iris-canary", "33.3333333333")
    found = [d for d in api.validate(Options(spec=str(spec))).diagnostics if d.code == "E346"]
    assert [d.path for d in found] == ["deployments.iris-mirror.rollout.mirror_percent"]
    assert "on the HTTPRoute of 'iris-canary'" in found[0].message
    files, _, _ = _compile(_mirrored(tmp_path, "iris-canary", "25"))
    mirror = _object(files, "iris-canary", "httproute-")["spec"]["rules"][0]["filters"][0]
    assert mirror["requestMirror"] == {
        "backendRef": {"kind": "Service", "name": "iris-mirror-candidate", "port": 8080},
        "percent": 25}


def test_validate_warns_where_the_router_does_not_apply(tmp_path):
    spec = _variant(tmp_path, "    traffic: {router: istio}\n",
                    "    traffic: {router: gateway-api}\n    flavour: kserve\n")
    assert "W564" in _validate_codes(spec)


def test_a_deployment_overrides_the_environment_field_by_field(tmp_path):
    """The deployment's gateway replaces the environment's; the router stays the env's."""
    spec = _variant(tmp_path, "  iris-bluegreen:\n",
                    "  iris-bluegreen:\n    traffic: {gateway: {name: internal}}\n")
    files, _, _ = _compile(spec)
    route = _object(files, "iris-bluegreen", "httproute-")
    assert route["spec"]["parentRefs"] == [{"group": "gateway.networking.k8s.io",
                                            "kind": "Gateway", "name": "internal"}]
    assert gateway_errors([route])[0]["errors"] == []
