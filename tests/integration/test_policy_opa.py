"""The OPA-server engine: opa-python-client over real HTTP to a loopback server.

The OPA binary cannot be installed from the package registries CI may use, so this server
implements the part of OPA's documented Data API that mlopsc calls: ``POST /v1/data/<path>``
with ``{"input": ...}``, answering ``{"result": value}`` or ``{}`` when the document is
undefined. It evaluates with regorus over the same bundle. The client, its HTTP and the
server's parsing are real; only the server's evaluator is not OPA's.
"""

from __future__ import annotations

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import regorus

from mlopsc import api
from mlopsc.cli import main
from mlopsc.policy.bundle import default_bundle_dir, rego_files

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "mlops.yaml"
NONCOMPLIANT = ROOT / "examples" / "noncompliant" / "mlops.yaml"
TODAY = datetime.date(2026, 11, 20)


def _engine(skip_package: str | None) -> regorus.Engine:
    engine = regorus.Engine()
    root = default_bundle_dir()
    for path in rego_files(root):
        source = path.read_text()
        if path.name.endswith("_test.rego") or (skip_package and skip_package in source):
            continue
        engine.add_policy(path.relative_to(root).as_posix(), source)
    return engine


class OpaServer:
    """A loopback server speaking OPA's Data API; ``requests`` records what it was asked."""

    def __init__(self, *, skip_package: str | None = None, fail: bool = False) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.skip_package = skip_package
        self.engine: regorus.Engine | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, body))
                if fail or not self.path.startswith("/v1/data/"):
                    return self._send(500, {"code": "internal_error", "message": "boom"})
                rule = "data." + self.path.removeprefix("/v1/data/").replace("/", ".")
                # regorus engines stay on the thread that made them: the serving thread.
                server.engine = server.engine or _engine(server.skip_package)
                copy = server.engine.clone()
                copy.set_input_json(json.dumps(body["input"]))
                try:
                    text = copy.eval_rule_as_json(rule)
                except RuntimeError:
                    text = '"<undefined>"'  # no such rule: OPA answers an empty object
                answer = {} if text == '"<undefined>"' else {"result": json.loads(text)}
                self._send(200, answer)

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self.engine = None  # dropped on the thread that made it, as regorus requires

    def __enter__(self) -> OpaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()


def findings(result):
    return sorted((d.code, d.path, d.message, d.span) for d in result.diagnostics)


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
    with OpaServer(skip_package="package mlopsc.security.containers") as server:
        code = main(["validate", str(FLAGSHIP), "--opa-url", server.url])
    assert code == 2
    err = capsys.readouterr().err
    assert "data.mlopsc.security.containers.deny is undefined on the OPA server" in err


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
