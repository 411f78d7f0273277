"""Conditions on step results (`when:`, `results:`): exact codes, paths, messages and hints of
``validate``'s findings, for both orchestrators."""

from __future__ import annotations

import copy

import pytest

from mlopsc.driver import PASS_NAMES, PASSES, Compilation, Options
from mlopsc.passes.check_conditions import crossing, gates
from mlopsc.passes.parse_spec import parse_spec


def _step(name: str, **extra) -> dict:
    return {"name": name, "image": "ghcr.io/a/x:1.0", **extra}


def pipeline(orchestrator: str = "kubeflow") -> dict:
    return {"orchestrator": orchestrator, "steps": [
        _step("evaluate", results={"passed": "boolean", "verdict": "string",
                                   "score": "float", "rank": "integer"},
              args=["$(results.passed)", "$(results.verdict)", "$(results.score)",
                    "$(results.rank)"]),
        _step("register", after=["evaluate"],
              when={"step": "evaluate", "result": "passed", "equals": True}),
        _step("publish", after=["register"]),
    ]}


def findings(p: dict) -> list[tuple[str, str | None, str, str | None]]:
    doc = {"apiVersion": "mlopsc/v1", "metadata": {"name": "t"}, "pipelines": {"p": p}}
    compilation = Compilation(options=Options())
    compilation.spec = parse_spec(doc, compilation.diagnostics)
    assert compilation.spec is not None, [d.message for d in compilation.diagnostics]
    for step in PASSES[2:PASS_NAMES.index("lower")]:
        step.run(compilation)
    return [(d.code, d.path, d.message, d.hint) for d in compilation.diagnostics
            if d.code in ("E210", "E211", "E301", "W567", "E302", "E321")]


def with_when(when: dict, orchestrator: str = "kubeflow", **step) -> dict:
    p = pipeline(orchestrator)
    p["steps"][1]["when"] = when
    p["steps"][1].update(step)
    return p


def test_valid_conditions_are_clean():
    assert findings(pipeline()) == []
    assert findings(with_when({"step": "evaluate", "result": "verdict",
                               "not_equals": "needs-review"})) == []
    assert findings(with_when({"step": "evaluate", "result": "score", "equals": 1})) == []


AT = "pipelines.p.steps[1].when"

CASES = [
    ("neither equals nor not_equals", {"step": "evaluate", "result": "passed"},
     [("E210", AT, ("step 'register': a condition needs exactly one of `equals` and "
       "`not_equals`"), "e.g. `equals: true`")]),
    ("both", {"step": "evaluate", "result": "passed", "equals": True, "not_equals": False},
     [("E210", AT, ("step 'register': a condition needs exactly one of `equals` and "
       "`not_equals`"), "e.g. `equals: true`")]),
    ("unknown step", {"step": "evaluat", "result": "passed", "equals": True},
     [("E301", AT + ".step", "step 'evaluat' is not defined",
       "did you mean 'evaluate'?")]),
    ("unknown result", {"step": "evaluate", "result": "pased", "equals": True},
     [("E301", AT + ".result", "step 'evaluate' has no result 'pased'",
       "its results: passed, rank, score, verdict")]),
    ("not upstream", {"step": "publish", "result": "x", "equals": True},
     [("E210", AT + ".step", ("step 'register': its condition reads a result of step "
       "'publish', which does not run before it"),
       "a step cannot wait for a result of a step that waits for it"),
      ("E301", AT + ".result", "step 'publish' has no result 'x'", "its results: none")]),
    ("boolean against a string", {"step": "evaluate", "result": "passed", "equals": "true"},
     [("E210", AT + ".equals", ("step 'register': result evaluate.passed is a boolean; "
       "'true' is not a boolean"), "write `true` or `false` without quotes")]),
    ("integer against a float", {"step": "evaluate", "result": "rank", "not_equals": 1.5},
     [("E210", AT + ".not_equals", ("step 'register': result evaluate.rank is an integer; "
       "1.5 is not a whole number"), "write a whole number without quotes, e.g. `3`")]),
    ("float against a boolean", {"step": "evaluate", "result": "score", "equals": True},
     [("E210", AT + ".equals", ("step 'register': result evaluate.score is a float; "
       "True is not a number"), "write a number without quotes, e.g. `0.9`")]),
    ("string against a number", {"step": "evaluate", "result": "verdict", "equals": 3},
     [("E210", AT + ".equals", ("step 'register': result evaluate.verdict is a string; "
       "3 is not a string"), "quote the value, e.g. `equals: \"ok\"`")]),
    ("number beyond float64", {"step": "evaluate", "result": "rank", "equals": 2**53 + 1},
     [("E210", AT + ".equals", ("step 'register': result evaluate.rank is an integer; "
       "9007199254740993 is beyond ±2^53, where Kubeflow's numbers (float64) lose digits"),
       "write a whole number without quotes, e.g. `3`")]),
]


@pytest.mark.parametrize("name,when,expected", CASES, ids=[c[0] for c in CASES])
def test_condition_finding(name, when, expected):
    assert findings(with_when(when)) == expected


def test_a_step_not_yet_run_gets_a_hint_to_wait_for_it():
    p = pipeline()
    p["steps"][1]["after"] = []
    assert findings(p) == [
        ("E210", AT + ".step", ("step 'register': its condition reads a result of step "
         "'evaluate', which does not run before it"), "add `after: [evaluate]`")]


KFP_STRING = ("E211", AT + ".equals",
              ("step 'register': Kubeflow writes a compared string into its condition (CEL) "
              "as it is; this one holds a quote, a backslash, '{{', a control or a "
              "non-ASCII character"), "compare with a plain ASCII word, e.g. `equals: ok`")


@pytest.mark.parametrize("value", ["it's", 'say "hi"', "a\\b", "{{ workflow.name }}",
                                   "line\nbreak", "caf\u00e9", "' || true || '"])
def test_kubeflow_refuses_strings_cel_would_read_otherwise(value):
    when = {"step": "evaluate", "result": "verdict", "equals": value}
    assert findings(with_when(when)) == [KFP_STRING]
    assert findings(with_when(when, "airflow")) == [  # Airflow compares in Python
        ("E211", "pipelines.p.steps[0].results", ("step 'evaluate': an Airflow step returns "
         "one value (its XCom, the pod's /airflow/xcom/return.json); it declares 4 results"),
         "keep one result per step, e.g. a boolean `passed`")]


def test_airflow_takes_any_string_with_one_result():
    p = with_when({"step": "evaluate", "result": "verdict", "equals": "' {{ x }}\n\"'"},
                  "airflow")
    p["steps"][0]["results"] = {"verdict": "string"}
    p["steps"][0]["args"] = ["$(results.verdict)"]
    assert findings(p) == []


def test_result_without_its_placeholder():
    p = pipeline()
    p["steps"][0]["args"] = ["$(results.passed)", "$(results.verdict)", "$(results.score)"]
    assert findings(p) == [
        ("W567", "pipelines.p.steps[0].results.rank", ("step 'evaluate': result 'rank' is "
         "declared but no argument holds $(results.rank), the file it is written to"),
         "pass `$(results.rank)` in `args:` to the program that writes it")]


def test_unknown_result_placeholder():
    p = pipeline()
    p["steps"][0]["args"].append("$(results.nope)")
    assert findings(p) == [("E321", "pipelines.p.steps[0].args[4]",
                            "placeholder '$(results.nope)': the step declares no result 'nope'",
                            ("use `$(params.NAME)`, `$(inputs.NAME)`, `$(outputs.NAME)` or "
                            "`$(results.NAME)` with a declared name"))]


def crossed(orchestrator: str) -> dict:
    p = copy.deepcopy(pipeline(orchestrator))
    p["steps"] = [
        _step("a", results={"ok": "boolean"}, args=["$(results.ok)"]),
        _step("b", results={"ok": "boolean"}, args=["$(results.ok)"]),
        _step("x", after=["a"], when={"step": "a", "result": "ok", "equals": True}),
        _step("y", after=["b"], when={"step": "b", "result": "ok", "equals": True}),
        _step("z", after=["x", "y"])]
    return p


def test_kubeflow_refuses_a_step_under_two_conditions_that_do_not_nest():
    assert findings(crossed("kubeflow")) == [
        ("E211", "pipelines.p.steps[4]", ("step 'z' runs after the conditions of steps 'x' "
         "and 'y', neither of which runs after the other; Kubeflow nests one condition "
         "(dsl.If) in another"), "make 'y' run after 'x' (`after:`), or split the step")]
    assert findings(crossed("airflow")) == []  # short-circuits chain without nesting


def test_gates_nest_conditions_along_the_dependencies():
    upstream = {"e": (), "r": ("e",), "p": ("r",), "q": ("p",), "o": ("e",)}
    chain = gates(upstream, {"r", "q"}, ["e", "r", "p", "q", "o"])
    assert chain == {"e": (), "r": ("r",), "p": ("r",), "q": ("r", "q"), "o": ()}
    assert crossing(chain) == {}
