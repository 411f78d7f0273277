"""A real OPA in process: OPA's Go engine, through the PyPI wheel ``opa-golib-python-bindings``.

The wheel (imported as ``opa_bindings``) embeds ``github.com/open-policy-agent/opa/v1/rego``
(OPA v1.20.2 in 0.4.4) as a C shared library behind ``ctypes``. mlopsc uses it to prove
engine parity: the default bundle must compile, pass its tests and give the same findings on
OPA as on regorus (``tests/integration/test_policy_parity.py``), and the loopback OPA Data
API server of the ``--opa-url`` tests evaluates with it. It is a test dependency, pinned in
``scripts/test.sh``, not a third engine of the gate.

What the bindings give: OPA compiles Rego v1 modules with its default v1 checks (duplicate
imports, ``input``/``data`` shadowing and deprecated built-ins are errors) and evaluates with
``StrictBuiltinErrors`` (a built-in error is an error, as in regorus, not an undefined value).
They do not expose OPA's ``--strict`` switch; :meth:`OpaEmbeddedEngine.strict_problems` adds
the remaining strict-mode checks (:mod:`mlopsc.policy.rego_strict`) over OPA's own parse tree.

Unlike regorus, OPA here is not run in a bounded child: Go's runtime does not survive
``fork``. Use it for trusted bundles only.

>>> engine = OpaEmbeddedEngine([("a.rego", "package a\\n\\nallow if input.u == 1\\n")])
>>> engine.value("data.a.allow", {"u": 1}), engine.value("data.a.allow", {"u": 2})
(True, UNDEFINED)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from mlopsc.policy import rego_strict
from mlopsc.policy.bundle import Bundles, Module, RuleDecl
from mlopsc.policy.engine import UNDEFINED, Value
from mlopsc.policy.errors import PolicyEngineError, RegoError
from mlopsc.policy.input_doc import PolicyInput
from mlopsc.policy.regorus_engine import DATA_ROOT
from mlopsc.policy.testing import TestCase

# OPA reports an evaluation error as "file:line: eval_type_error: message".
_LOCATED = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+): (?P<msg>.+)$", re.DOTALL)


def _bindings() -> Any:
    try:
        import opa_bindings  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError as error:  # the test extra installs it; see scripts/test.sh
        raise PolicyEngineError("the real OPA engine needs the wheel opa-golib-python-"
                                f"bindings (see scripts/test.sh): {error}") from None
    return opa_bindings


def located_error(message: str) -> RegoError | None:
    """An OPA error message as a :class:`RegoError`, or ``None`` without a position.

    >>> located_error("x/a.rego:6: eval_builtin_error: div: divide by zero")
    RegoError(file='x/a.rego', line=6, column=1, message='eval_builtin_error: div: divide by zero')
    """
    found = _LOCATED.match(message.strip())
    if found is None:
        return None
    return RegoError(found["file"], int(found["line"]), 1, found["msg"])


class OpaEmbeddedEngine:
    """OPA with the given modules (``(file name, source)`` pairs) and organisation data.

    Implements :class:`~mlopsc.policy.engine.PolicyEngine`. Compile errors surface on the
    first evaluation as :class:`PolicyEngineError` (see :meth:`compile_errors`).
    """

    name = "opa"

    def __init__(self, modules: Iterable[tuple[str, str]],
                 data: dict[str, Any] | None = None) -> None:
        bindings = _bindings()
        self._errors: tuple[type[Exception], type[Exception]] = (
            bindings.OpaError, bindings.OpaUndefinedError)
        self._opa = bindings.OpaEngine()
        self._parser: Any = None
        self.sources: dict[str, str] = {}
        for file, source in modules:
            self._opa.add_policy(file, source)
            self.sources[file] = source
        if data:
            self._opa.add_data(data, path=DATA_ROOT)

    @classmethod
    def from_bundles(cls, bundles: Bundles, data: dict[str, Any] | None = None,
                     *, tests: bool = False) -> OpaEmbeddedEngine:
        """The modules :func:`~mlopsc.policy.bundle.load_bundles` read, under the same file
        names (so positions match regorus'); test modules only when ``tests``."""
        return cls(((m.file, m.source) for m in bundles.modules if tests or not m.is_test),
                   data)

    def close(self) -> None:
        self._opa.close()
        if self._parser is not None:
            self._parser.close()

    def compile_errors(self) -> list[str]:
        """OPA's compile errors for the loaded modules, one per line (empty: it compiles)."""
        try:
            self._opa.eval_query("x := 1")
        except self._errors[0] as error:
            lines = _message(error).splitlines()
            return [line.strip() for line in lines[1:] if line.strip()] or lines[:1]
        return []

    def parse_tree(self, file: str, source: str) -> dict[str, Any]:
        """OPA's parse tree of one module (``rego.parse_module``), as JSON data."""
        if self._parser is None:  # no modules: nothing to compile before each parse
            self._parser = _bindings().OpaEngine()
        query = "tree := rego.parse_module(input.file, input.source)"  # prepared once
        try:
            rows = self._parser.eval_query(query, {"file": file, "source": source})
        except self._errors[0] as error:
            raise PolicyEngineError(f"OPA cannot parse {file}: {_message(error)}") from None
        return dict(rows[0]["tree"])

    def strict_problems(self) -> list[str]:
        """``file: problem`` for each check of OPA's strict mode that the loaded modules
        fail (see :mod:`mlopsc.policy.rego_strict`); empty when they pass."""
        return [f"{file}: {problem}" for file, source in self.sources.items()
                for problem in rego_strict.check(self.parse_tree(file, source))]

    def evaluate(self, policy_input: PolicyInput, decisions: Sequence[str]) -> dict[str, Value]:
        document = policy_input.document
        return {decision: self.value(decision, document) for decision in decisions}

    def value(self, decision: str, input_doc: Any = None) -> Value:
        """The value of ``data.a.b`` for ``input_doc``: JSON data, :data:`UNDEFINED`, or a
        :class:`RegoError` for an evaluation error at a known position."""
        error_type, undefined_type = self._errors
        try:
            return self._opa.eval_document(decision.removeprefix("data."), input_doc)
        except undefined_type:
            return UNDEFINED
        except error_type as error:
            located = located_error(_message(error))
            if getattr(error, "code", "") == "eval_error" and located is not None:
                return located
            raise PolicyEngineError(f"OPA failed on {decision}: {_message(error)}") from None

    def values(self, decisions: Sequence[str], input_doc: Any = None) -> dict[str, Value]:
        """:meth:`value` of many decisions in one OPA query (one compile instead of one per
        decision); decisions that fail are asked again one by one, for their own error."""
        names = {f"v{i}": d for i, d in enumerate(decisions)}
        query = "; ".join(f"{v} := [x | x := {d}]" for v, d in names.items())
        try:
            rows = self._opa.eval_query(query, input_doc) if names else [{}]
        except self._errors[0]:
            return {d: self.value(d, input_doc) for d in decisions}
        row = rows[0] if rows else {}
        return {d: (row[v][0] if row.get(v) else UNDEFINED) for v, d in names.items()}



def _message(error: Exception) -> str:
    """The text of an ``OpaError`` (its ``message``, without the code in front)."""
    return str(getattr(error, "message", error))


def run_bundle_tests(bundles: Bundles) -> list[TestCase]:
    """Every ``test_`` rule of the test modules in ``bundles``, evaluated by OPA (all in one
    query): a test passes when its value is ``true``, as with ``opa test``.

    ``bundles`` must be loaded with ``tests=True``; every module is given to OPA, so the
    tests see the same policies as under ``mlopsc policy test``.
    """
    engine = OpaEmbeddedEngine.from_bundles(bundles, tests=True)
    try:
        errors = engine.compile_errors()
        if errors:
            raise PolicyEngineError("OPA does not compile the bundle: " + "; ".join(errors))
        tests = [(module, rule) for module in bundles.modules if module.is_test
                 for rule in {r.name: r for r in reversed(module.rules)}.values()
                 if rule.name.startswith("test_")]
        found = engine.values([f"data.{m.package}.{r.name}" for m, r in tests])
    finally:
        engine.close()
    return [_case(m, r, found[f"data.{m.package}.{r.name}"]) for m, r in tests]


def _case(module: Module, rule: RuleDecl, value: Value) -> TestCase:
    if value is True:
        return TestCase(rule.name, module.file, rule.line, True)
    detail = ("undefined" if value is UNDEFINED else
              f"error: {value}" if isinstance(value, RegoError) else json.dumps(value))
    return TestCase(rule.name, module.file, rule.line, False, detail)
