"""The OPA-server engine: opa-python-client over real HTTP to a loopback OPA Data API server.

The server (``tests/integration/real_opa.py``) evaluates with the real OPA: OPA's Go engine,
embedded through the PyPI wheel ``opa-golib-python-bindings`` and loaded with the same
bundle files. The client, its HTTP and the evaluator are real; only the server's HTTP layer
is the test's own.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

import pytest
from real_opa import RealOpaServer as OpaServer

from mlopsc import api
from mlopsc.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "mlops.yaml"
NONCOMPLIANT = ROOT / "examples" / "noncompliant" / "mlops.yaml"
TODAY = datetime.date(2026, 11, 20)


def findings(result, but=None):
    return sorted((d.code, d.path, d.message, d.span) for d in result.diagnostics
                  if d.code != but)


@pytest.mark.parametrize("spec", [FLAGSHIP, NONCOMPLIANT])
def test_opa_server_gives_the_same_findings_as_regorus(spec):
    embedded = api.validate(api.Options(spec=str(spec), today=TODAY))
    with OpaServer() as server:
        remote = api.validate(api.Options(spec=str(spec), today=TODAY, opa_url=server.url))
    assert findings(remote) == findings(embedded)
    assert remote.compilation.policy.engine == "opa"
    assert remote.compilation.policy.results == embedded.compilation.policy.results
    assert remote.compilation.policy.tiers == embedded.compilation.policy.tiers
    assert embedded.compilation.policy.tiers["high"]["approvals"] == 2
    path, body = server.requests[0]
    assert path.startswith("/v1/data/mlopsc/") and path.rsplit("/", 1)[1] in ("deny", "warn")
    assert body["input"]["name"] == embedded.ir.name
    assert len(server.requests) == len({p for p, _ in server.requests})  # one call each


def test_undefined_decision_on_the_server_fails_closed(capsys):
    with OpaServer(skip_package="mlopsc.data.contracts") as server:
        code = main(["validate", str(FLAGSHIP), "--opa-url", server.url])
    assert code == 2
    err = capsys.readouterr().err
    assert "data.mlopsc.data.contracts.deny is undefined on the OPA server" in err


BROKEN = """package acme.broken

import rego.v1

# METADATA
# title: Broken on purpose
# custom:
#   code: ACME-900
#   severity: error
#   applies_to: [models]
deny contains f if {
	some m in input.models
	n := to_number(m.name)
	f := {"code": "ACME-900", "msg": sprintf("%v", [n]), "path": m.path}
}
"""


def test_a_policy_error_on_the_server_is_e402_at_its_line_as_embedded(tmp_path):
    bundle = tmp_path / "acme"
    bundle.mkdir()
    (bundle / "broken.rego").write_text(BROKEN)
    options = api.Options(spec=str(FLAGSHIP), today=TODAY, policy_dirs=(str(bundle),))
    embedded = api.validate(options)
    with OpaServer(policy_dirs=(str(bundle),)) as server:
        remote = api.validate(dataclasses.replace(options, opa_url=server.url))

    def e402(result):
        return [(d.span.file, d.span.line) for d in result.diagnostics if d.code == "E402"]

    assert e402(remote) == e402(embedded) == [(f"{bundle}/broken.rego", 13)]
    assert findings(remote, but="E402") == findings(embedded, but="E402")


def test_data_files_need_the_embedded_engine(tmp_path, capsys):
    org = tmp_path / "org.json"
    org.write_text('{"max_retries": 1}')
    with OpaServer() as server:
        code = main(["validate", str(FLAGSHIP), "--opa-url", server.url, "--data", str(org)])
    assert code == 2 and not server.requests
    assert "--data cannot be combined with --opa-url" in capsys.readouterr().err


def test_server_error_fails_closed(capsys):
    with OpaServer(fail=True) as server:
        code = main(["validate", str(FLAGSHIP), "--opa-url", server.url])
    assert code == 2
    assert "HTTP 500: boom" in capsys.readouterr().err


def test_opa_url_from_the_environment(monkeypatch, capsys):
    with OpaServer() as server:
        monkeypatch.setenv("MLOPSC_OPA_URL", server.url)
        assert main(["validate", str(NONCOMPLIANT), "--format", "json"]) == 1
    assert server.requests
    assert json.loads(capsys.readouterr().out)["summary"]["errors"] > 30
