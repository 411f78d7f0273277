"""A loopback OPA Data API server whose evaluator is the real OPA (Go), in process.

``POST /v1/data/<path>`` with ``{"input": ...}`` is answered as OPA's server answers it:
``{"result": value}``, ``{}`` when the document is undefined, and HTTP 500
``{"code": "internal_error", "message": "1 error occurred: file:line: ..."}`` when the
evaluation fails. The evaluator is OPA's own engine, embedded through the PyPI wheel
``opa-golib-python-bindings`` (:mod:`mlopsc.policy.opa_embedded`), loaded with the same
bundle files the embedded regorus gate uses. Only the HTTP layer is this file's.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mlopsc.policy.bundle import DEFAULT_BUNDLE, default_bundle_dir, load_bundles
from mlopsc.policy.engine import UNDEFINED
from mlopsc.policy.errors import RegoError
from mlopsc.policy.opa_embedded import OpaEmbeddedEngine

_ENGINES: dict[str, OpaEmbeddedEngine] = {}


def real_opa(policy_dirs: tuple[str, ...] = (), *, skip_package: str | None = None,
             data: dict[str, Any] | None = None) -> OpaEmbeddedEngine:
    """OPA holding the policy files (not the tests) of the default bundle and of
    ``policy_dirs`` (named as ``--policy`` names them, so positions match the gate's).

    One engine per set of arguments and test process: OPA prepares (compiles) a query the
    first time it is asked, about 0.25 s per decision, and keeps it for the next requests.
    """
    dirs = [(DEFAULT_BUNDLE, default_bundle_dir()), *((d, Path(d)) for d in policy_dirs)]
    modules = [(m.file, m.source) for m in load_bundles(dirs).modules
               if m.package != skip_package]
    key = json.dumps([modules, data], sort_keys=True)  # the files as they are now
    if key not in _ENGINES:
        _ENGINES[key] = OpaEmbeddedEngine(modules, data)
    return _ENGINES[key]


class RealOpaServer:
    """``with RealOpaServer() as server:`` serves on ``server.url`` until the block ends;
    ``server.requests`` records each request's path and body."""

    def __init__(self, *, skip_package: str | None = None, fail: bool = False,
                 data: dict[str, Any] | None = None,
                 policy_dirs: tuple[str, ...] = ()) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.engine = real_opa(policy_dirs, skip_package=skip_package, data=data)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, fail))
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def answer(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """OPA's answer to ``POST path`` with ``body``: (HTTP status, JSON document)."""
        decision = "data." + path.removeprefix("/v1/data/").strip("/").replace("/", ".")
        value = self.engine.value(decision, body.get("input"))
        if isinstance(value, RegoError):
            message = f"1 error occurred: {value.file}:{value.line}: {value.message}"
            return 500, {"code": "internal_error", "message": message}
        return 200, ({} if value is UNDEFINED else {"result": value})

    def __enter__(self) -> RealOpaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()


def _handler(server: RealOpaServer, fail: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            server.requests.append((self.path, body))
            if fail or not self.path.startswith("/v1/data/"):
                return self._send(500, {"code": "internal_error", "message": "boom"})
            self._send(*server.answer(self.path, body))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler
