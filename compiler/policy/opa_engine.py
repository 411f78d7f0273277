"""The OPA server engine: the same decisions, asked of a running OPA over its Data API.

mlopsc does not upload anything: the server must already hold the same bundles (and any
organisation data under ``data.org``), as a server an organisation runs would. Each decision
is one ``POST /v1/data/<package path>/<rule>`` with ``{"input": ...}`` through
``opa-python-client``; an answer without ``result`` is an undefined decision and fails closed.
All decisions of one run share one deadline (``--policy-timeout``): each request's socket
timeout is the time left, and a request that times out, or a deadline that passes, raises
:class:`~mlopsc.policy.bounded.PolicyLimitError` (E406, fail closed). A policy that fails
while evaluated (OPA answers ``500`` with ``1 error occurred: file:line: eval_...``) is a
:class:`~mlopsc.policy.errors.RegoError` at that line (E402), as with the embedded engine;
any other server error fails closed (exit 2).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from mlopsc.policy.bounded import PolicyLimitError
from mlopsc.policy.engine import Value
from mlopsc.policy.errors import PolicyEngineError, RegoError
from mlopsc.policy.input_doc import PolicyInput
from mlopsc.policy.opa_embedded import located_error

# How OPA's server reports one failed evaluation (a built-in error, a conflict).
_EVAL_ERROR = re.compile(r"^1 error occurred: (?P<located>[^\n]+: eval_[a-z_]+: .+)$", re.DOTALL)

DEFAULT_TIMEOUT_S = 10.0
"""Seconds for all decisions of one run, when the caller gives none."""


class OpaEngine:
    name = "opa"

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        from opa_client.opa import OpaClient

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PolicyEngineError(f"--opa-url must be http(s)://HOST[:PORT], not {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 8181)
        self.url = f"{parts.scheme}://{parts.hostname}:{port}"
        self._client = OpaClient(host=parts.hostname, port=port, ssl=parts.scheme == "https",
                                 timeout=timeout, retries=0)
        self.timeout = timeout

    def evaluate(self, policy_input: PolicyInput, decisions: Sequence[str]) -> dict[str, Value]:
        document = policy_input.document
        deadline = time.monotonic() + self.timeout
        values = {}
        for decision in decisions:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PolicyLimitError(self._late(decision), decision)
            self._client.timeout = left  # read by the client on every request
            values[decision] = self._one(document, decision)
        return values

    def _late(self, decision: str) -> str:
        return (f"policy evaluation exceeded its time limit of {self.timeout:g} s in "
                f"{decision} (OPA server {self.url})")

    def _one(self, input_doc: dict[str, Any], decision: str) -> Value:
        import requests

        package, _, rule = decision.removeprefix("data.").rpartition(".")
        try:
            answer = self._client.query_rule(input_doc, package, rule)
        except requests.Timeout:
            raise PolicyLimitError(self._late(decision), decision) from None
        except requests.RequestException as error:
            located = _policy_error(error)
            if located is not None:  # the policy failed, not the server: E402, as embedded
                return located
            raise PolicyEngineError(f"OPA server {self.url} failed on {decision}: "
                                    f"{_reason(error)}") from None
        except ValueError as error:  # not JSON
            raise PolicyEngineError(f"OPA server {self.url} sent no JSON for {decision}: "
                                    f"{error}") from None
        if not isinstance(answer, dict) or "result" not in answer:
            raise PolicyEngineError(
                f"{decision} is undefined on the OPA server {self.url}: load the same "
                "policy bundles into it (fail closed)")
        return answer["result"]


def _policy_error(error: Exception) -> RegoError | None:
    """The located evaluation error of an OPA answer ``500 {"code": "internal_error",
    "message": "1 error occurred: file:line: eval_...: ..."}``, else ``None``."""
    response = getattr(error, "response", None)
    if response is None or response.status_code != 500:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    message = body.get("message", "") if isinstance(body, dict) else ""
    found = _EVAL_ERROR.match(message) if isinstance(message, str) else None
    return located_error(found["located"]) if found else None


def _reason(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None:
        try:
            body = response.json()
            return f"HTTP {response.status_code}: {body.get('message', body)}"
        except ValueError:
            return f"HTTP {response.status_code}"
    return type(error).__name__ + (f": {error}" if str(error) else "")
