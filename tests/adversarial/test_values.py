"""Hostile values in a spec: each gets one coded finding at the value's line:col, never a
traceback, a hang or an invalid output.

The table replaces one line of a clean spec (BASE) with a hostile one and asserts the exact
(code, line, column) of the compiler's findings; the library API runs every row, the CLI
(in a subprocess, under a time bound) the worst ones. The RE2 judgement is compared with
real promtool, and a description with line breaks and tabs goes through real kfp.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlopsc import api
from mlopsc.driver import Options
from mlopsc.render import promql
from mlopsc.targets.prometheus import regex_sample
from mlopsc.values.quantity import OutOfRange, parse_quantity
from mlopsc.values.regex_check import regex_problem
from mlopsc.values.units import MAX_DURATION_MS, duration_ms

BASE = """\
apiVersion: mlopsc/v1
metadata:
  name: hostile
  owner: team-ml
environments:
  dev:
    namespace: fraud-dev
    tier: development
datasets:
  events:
    owner: team-ml
    version: "1.0.0"
    description: Card events.
    fields:
      - name: amount
        type: float
        kind: continuous
        min: 0
pipelines:
  train:
    owner: team-ml
    orchestrator: kubeflow
    description: Trains the scorer.
    parameters:
      epochs:
        type: integer
        default: 5
    steps:
      - name: fit
        image: ghcr.io/acme/fit:1.0.0
        args: ["--epochs", "$(params.epochs)"]
        timeout: 1h
        resources:
          cpu: 500m
          memory: 512Mi
        env:
          MODEL_DIR: /models
    outputs:
      model: scorer
models:
  scorer:
    owner: team-ml
    version: "1.0.0"
    risk_tier: minimal
    card:
      intended_use: Scores card payments.
    training:
      pipeline: train
      datasets: [{dataset: events, version: "1.0.0"}]
      code_version: 3b1f0c2
      image: ghcr.io/acme/fit:1.0.0
deployments:
  scorer-prod:
    model: scorer
    environment: dev
    owner: team-ml
    image: ghcr.io/acme/serve:1.0.0
    replicas: 2
    port: 8080
slos:
  availability:
    deployment: scorer-prod
    objective: 99.9
    period: 30d
    sli:
      type: availability
      metric: http_requests_total
      error_selector:
        code: "5.."
    alerting:
      runbook: https://runbooks.example.com/scorer
      routing: {team: team-ml}
monitors:
  drift:
    type: data_drift
    deployment: scorer-prod
    dataset: events
    features: [amount]
    window: 1d
    threshold: 0.2
    runbook: https://runbooks.example.com/drift
    routing: {team: team-ml}
"""

# (id, line(s) of BASE, the hostile replacement, expected code, column[, line offset of the
# finding within the replacement])
CASES = [
    # durations: Go's time.Duration (int64 ns, ~292 years) and positive SLO periods
    ("period-zero", "    period: 30d", "    period: 0s", "E327", 13),
    ("period-zero-ms", "    period: 30d", "    period: 0ms", "E327", 13),
    ("window-zero", "    window: 1d", "    window: 0m", "E327", 13),
    ("timeout-zero", "        timeout: 1h", "        timeout: 0s", "E327", 18),
    ("period-beyond-go", "    period: 30d", "    period: 15251w", "E327", 13),
    ("timeout-20-digits", "        timeout: 1h", "        timeout: 99999999999999999999h",
     "E327", 18),
    ("timeout-5000-digits", "        timeout: 1h", "        timeout: " + "9" * 5000 + "s",
     "E327", 18),
    ("duration-unicode-digit", "        timeout: 1h", "        timeout: \u0661h", "E305", 18),
    # cron schedules: bounded length (croniter expands a 50,000-item list for seconds)
    ("cron-50000-items", "    orchestrator: kubeflow",
     '    orchestrator: kubeflow\n    schedule: "' + "0," * 50000 + '0 * * * *"', "E304", 15, 1),
    ("cron-unicode-digit", "    orchestrator: kubeflow",
     '    orchestrator: kubeflow\n    schedule: "\u0660 3 * * *"', "E304", 15, 1),
    # Kubernetes quantities: the grammar, ASCII digits, bounded magnitude
    ("cpu-arabic-digits", "          cpu: 500m", '          cpu: "\u0665\u0660\u0660m"',
     "E317", 16),
    ("cpu-fullwidth-digits", "          cpu: 500m", '          cpu: "\uff15\uff10\uff10m"',
     "E317", 16),
    ("memory-exponent-bomb", "          memory: 512Mi", '          memory: "1e99999999999"',
     "E328", 19),
    ("memory-1e400", "          memory: 512Mi", '          memory: "1e400"', "E328", 19),
    ("memory-400-digits", "          memory: 512Mi", f'          memory: "{"9" * 400}"',
     "E328", 19),
    ("memory-8Ei", "          memory: 512Mi", "          memory: 8Ei", "E328", 19),
    ("memory-tiny", "          memory: 512Mi", '          memory: "1e-10"', "E328", 19),
    ("cpu-beyond-millicores", "          cpu: 500m", '          cpu: "10000000000000000"',
     "E328", 16),
    ("memory-capital-K", "          memory: 512Mi", "          memory: 512K", "E317", 19),
    ("memory-negative", "          memory: 512Mi", "          memory: -1Gi", "E317", 19),
    ("memory-bare-suffix", "          memory: 512Mi", "          memory: Mi", "E317", 19),
    # image references: ASCII only, a registry port of at most 5 digits
    ("image-unicode-tag", "    image: ghcr.io/acme/serve:1.0.0",
     "    image: ghcr.io/acme/serve:1.\u0660", "E316", 12),
    ("image-200-digit-port", "    image: ghcr.io/acme/serve:1.0.0",
     "    image: ghcr.io:" + "5" * 200 + "/acme/serve:1.0.0", "E316", 12),
    # int32 fields
    ("replicas-beyond-int32", "    replicas: 2", "    replicas: 2147483648", "E206", 15),
    ("replicas-negative", "    replicas: 2", "    replicas: -1", "E206", 15),
    ("port-beyond-16-bits", "    port: 8080", "    port: 65536", "E206", 11),
    # namespaces and env var names
    ("namespace-traversal", "    namespace: fraud-dev", '    namespace: "../../etc"',
     "E303", 16),
    ("namespace-64", "    namespace: fraud-dev", "    namespace: " + "a" * 64, "E303", 16),
    ("namespace-upper", "    namespace: fraud-dev", "    namespace: Fraud", "E303", 16),
    ("namespace-newline", "    namespace: fraud-dev", '    namespace: "fraud\\ndev"', "E330",
     16),
    ("env-digit-first", "          MODEL_DIR: /models", "          1MODEL: /models", "E329", 11),
    ("env-equals", "          MODEL_DIR: /models", '          "A=B": /models', "E329", 11),
    ("env-space", "          MODEL_DIR: /models", '          "A B": /models', "E329", 11),
    ("env-name-newline", "          MODEL_DIR: /models", '          "A\\nB": /models', "E330",
     11),
    # control characters: none in single-line values, only \t \n in free text
    ("description-soh", "    description: Trains the scorer.",
     '    description: "Trains\\x01 the scorer."', "E330", 18),
    ("description-escape-seq", "    description: Trains the scorer.",
     '    description: "Trains \\e[31mred"', "E330", 18),
    ("description-del", "    description: Trains the scorer.",
     '    description: "Trains\\x7f"', "E330", 18),
    ("description-c1", "    description: Trains the scorer.",
     '    description: "Trains\\x85"', "E330", 18),
    ("description-line-separator", "    description: Trains the scorer.",
     '    description: "Trains\\u2028the scorer"', "E330", 18),
    ("description-carriage-return", "    description: Trains the scorer.",
     '    description: "Trains\\rthe scorer"', "E330", 18),
    ("card-nul", "      intended_use: Scores card payments.",
     '      intended_use: "Scores\\0"', "E330", 21),
    ("owner-newline", "    owner: team-ml\n    version: \"1.0.0\"\n    risk_tier",
     '    owner: "team\\nml"\n    version: "1.0.0"\n    risk_tier', "E330", 12),
    ("owner-tab", "    owner: team-ml\n    version: \"1.0.0\"\n    risk_tier",
     '    owner: "team\\tml"\n    version: "1.0.0"\n    risk_tier', "E330", 12),
    ("metric-newline", "      metric: http_requests_total",
     '      metric: "http_requests_total\\n"', "E330", 15),
    ("runbook-newline", "    runbook: https://runbooks.example.com/drift",
     '    runbook: "https://runbooks.example.com/drift\\nx"', "E330", 14),
    # NaN and the infinities, in every float field (before the policy engine sees them)
    ("min-nan", "        min: 0", "        min: .nan", "E208", 14),
    ("threshold-inf", "    threshold: 0.2", "    threshold: .inf", "E208", 16),
    ("objective-minus-inf", "    objective: 99.9", "    objective: -.inf", "E208", 16),
    ("objective-NaN", "    objective: 99.9", "    objective: .NaN", "E208", 16),
    ("param-default-nan", "        default: 5", "        default: .nan", "E208", 18),
    # regexes: RE2 syntax, as Prometheus reads it, and bounded repetition
    ("regex-lookahead", '        code: "5.."', '        code: "(?=5)5.."', "E322", 15),
    ("regex-possessive", '        code: "5.."', '        code: "5.++"', "E322", 15),
    ("regex-backref", '        code: "5.."', '        code: "(5)\\\\1"', "E322", 15),
    ("regex-any-byte", '        code: "5.."', '        code: "5\\\\C"', "E322", 15),
    ("regex-angle-group", '        code: "5.."', '        code: "(?<n>5)"', "E322", 15),
    ("regex-repetition-bomb", '        code: "5.."', '        code: "(5{10000}){10000}"',
     "E331", 15),
    ("regex-nested-product", '        code: "5.."', '        code: "(5{100}){100}"', "E331", 15),
    # parameter defaults against their declared type
    ("default-bool-as-string", "        type: integer\n        default: 5",
     '        type: boolean\n        default: "true"', "E332", 18, 1),
    ("default-float-for-integer", "        default: 5", "        default: 6.5", "E332", 18),
    ("default-bool-for-integer", "        default: 5", "        default: true", "E332", 18),
    ("default-untyped-number", "        type: integer\n        default: 5",
     "        description: epochs\n        default: 5", "E332", 18, 1),
]


def hostile(old: str, new: str, offset: int = 0) -> tuple[str, int]:
    """BASE with ``old`` replaced by ``new``, and the 1-based line of its ``offset``-th line."""
    assert BASE.count(old) == 1, old
    start = BASE.index(old)
    return BASE.replace(old, new), BASE[:start].count("\n") + 1 + offset


def errors(text: str, tmp_path: Path) -> list[tuple[str, int, int]]:
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text, encoding="utf-8")
    result = api.validate(Options(spec=str(spec)))
    # Policy findings (e.g. GOV-001) are the bundle's; this file is about value checks.
    return sorted((d.code, d.span.line, d.span.column) for d in result.diagnostics
                  if d.severity.name == "ERROR" and "-" not in d.code)


def test_base_is_clean(tmp_path):
    spec = tmp_path / "mlops.yaml"
    spec.write_text(BASE, encoding="utf-8")
    result = api.validate(Options(spec=str(spec)))
    assert [d.code for d in result.diagnostics] == []


@pytest.mark.parametrize("name,old,new,code,column,offset",
                         [(*c, 0) if len(c) == 5 else c for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_value_has_one_coded_finding_at_its_place(name, old, new, code, column, offset,
                                                          tmp_path):
    text, line = hostile(old, new, offset)
    started = time.monotonic()
    found = errors(text, tmp_path)
    assert time.monotonic() - started < 10
    assert found == [(code, line, column)]


VALID = [
    ("duration-max", "    period: 30d", "    period: 9223372036854ms"),
    ("quantity-exponent", "          memory: 512Mi", "          memory: 1e9"),
    ("quantity-7Ei", "          memory: 512Mi", "          memory: 7Ei"),
    ("quantity-nano", "          cpu: 500m", '          cpu: "1n"'),
    ("quantity-decimal-point", "          cpu: 500m", '          cpu: "1."'),
    ("replicas-int32-max", "    replicas: 2", "    replicas: 2147483647"),
    ("namespace-63", "    namespace: fraud-dev", "    namespace: " + "a" * 63),
    ("env-dotted", "          MODEL_DIR: /models", "          -my.var_1: x"),
    ("env-value-multiline", "          MODEL_DIR: /models", '          MODEL_DIR: "a\\nb\\tc"'),
    ("description-lines-and-tabs", "    description: Trains the scorer.",
     '    description: "Trains\\n\\tthe scorer."'),
    ("regex-nested-1000", '        code: "5.."', '        code: "(5{10}){100}"'),
    ("regex-unicode-class", '        code: "5.."', '        code: "\\\\pN+"'),
    ("default-int-for-float", "        type: integer\n        default: 5",
     "        type: float\n        default: 5"),
]


@pytest.mark.parametrize("name,old,new", VALID, ids=[c[0] for c in VALID])
def test_values_at_the_limits_are_accepted(name, old, new, tmp_path):
    # The core's grammar accepts them; a target may still refuse what Kubernetes allows
    # (kfp takes no `1n` or `1.` CPU: E512, now also at validate), which is its finding.
    assert [e for e in errors(hostile(old, new)[0], tmp_path) if e[0] != "E512"] == []


def test_overrides_are_judged_in_the_field_they_land_in(tmp_path):
    """An override may hold any text some field allows; merged with --env, the field's own
    class decides (a line break suits a description, not an owner)."""
    text, line = hostile("    namespace: fraud-dev",
                         "    namespace: fraud-dev\n    overrides: {models: {scorer: "
                         '{description: "a\\nb", owner: "team\\nml"}}}', 1)
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text, encoding="utf-8")
    assert errors(text, tmp_path) == []
    merged = api.validate(Options(spec=str(spec), environment="dev"))
    assert [(d.code, d.span.line, d.span.column) for d in merged.diagnostics
            if "-" not in d.code] == [("E330", line, 63)]


CLI_CASES = ["memory-exponent-bomb", "memory-1e400", "memory-400-digits", "min-nan",
             "threshold-inf", "regex-repetition-bomb", "default-bool-as-string",
             "default-untyped-number", "description-soh", "timeout-5000-digits"]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_reports_the_code_without_a_traceback(name, tmp_path):
    _, old, new, code, column, *offset = next(c for c in CASES if c[0] == name)
    text, line = hostile(old, new, *offset)
    (tmp_path / "mlops.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "mlopsc", "compile", "mlops.yaml", "-o", "out"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env,
                          check=False)
    assert time.monotonic() - started < 60
    assert "Traceback" not in done.stdout + done.stderr
    assert "panicked" not in done.stdout + done.stderr  # the Rust policy engine
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"mlops.yaml:{line}:{column}: error[{code}]" in done.stdout
    assert not (tmp_path / "out").exists()


def test_regex_samples_are_bounded_even_without_the_spec_check():
    """Defence in depth: the promtool test writer gives up instead of writing 764 MB."""
    started = time.monotonic()
    for pattern in ("(5{10000}){10000}", "(5{100}){100}", "((5{1000}){1000}){1000}"):
        with pytest.raises(regex_sample.NoSample):
            regex_sample.matching(pattern)
    assert time.monotonic() - started < 1
    assert len(regex_sample.matching("(5{10}){100}")) == 1000


# --- real promtool: what RE2 accepts here is what Prometheus accepts -------------------

PROMTOOL_TABLE = ["5..", "5..|429", "(?i)err(or)?", "(?s).*", "[^5]..", "\\pL+", "[[:alpha:]]+",
                  "(?P<x>5)..", "(5{10}){100}", ".{1000}", "\\z",
                  "(?=5)..", "(?!5)..", "(?<=a)b", "5.++", "(5)\\1", "5{10000}", "(5{100}){100}",
                  "5{2,1}", "\\C", "(?<n>5)", "(5", "[z-a]", "\\8"]


@pytest.mark.parametrize("pattern", PROMTOOL_TABLE)
def test_re2_check_agrees_with_promtool(pattern, tmp_path):
    rules = {"groups": [{"name": "g", "rules": [
        {"record": "r", "expr": f"up{{code=~{promql.quote(pattern)}}}"}]}]}
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    done = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode == 0) == (regex_problem(pattern) is None), done.stdout + done.stderr


# RE2's memory bound (max_mem) refuses a few large programs that Go still compiles: the
# spec check is stricter there, never laxer. The divergence is pinned so it stays known.
STRICTER_THAN_PROMTOOL = ["\\pL{1000}", "(?:\\pL{10}){100}"]


@pytest.mark.parametrize("pattern", STRICTER_THAN_PROMTOOL)
def test_re2_memory_bound_is_stricter_than_promtool(pattern, tmp_path):
    rules = {"groups": [{"name": "g", "rules": [
        {"record": "r", "expr": f"up{{code=~{promql.quote(pattern)}}}"}]}]}
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    done = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert regex_problem(pattern) == ("E331", "pattern too large - compile failed")


# --- real kfp: free text with line breaks and tabs still makes a file kfp reloads --------

def test_multiline_description_compiles_to_kfp_ir_that_kfp_reloads(tmp_path):
    from kfp import components

    text, _ = hostile("    description: Trains the scorer.",
                      '    description: "Trains\\n\\tthe scorer:\\n- line two"')
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text, encoding="utf-8")
    result = api.compile(Options(spec=str(spec), targets=("kubeflow",)))
    assert [d.code for d in result.diagnostics if d.severity.name == "ERROR"] == []
    (artifact,) = [a for a in result.artifacts if a.path.endswith(".yaml")]
    path = tmp_path / "pipeline.yaml"
    path.write_bytes(artifact.content)
    loaded = components.load_component_from_file(str(path))
    assert loaded.pipeline_spec.pipeline_info.description == "Trains\n\tthe scorer:\n- line two"
    (pipeline, _platform) = yaml.safe_load_all(artifact.content)  # PyYAML reads it too
    assert pipeline["pipelineInfo"]["description"] == "Trains\n\tthe scorer:\n- line two"


def test_why_control_characters_are_refused_kfp_writes_a_file_it_cannot_reload(tmp_path):
    """The rule's reason, shown in the real tool: kfp copies a description into the file's
    header comment unescaped, and then neither kfp nor PyYAML can read the file."""
    from kfp import compiler, components, dsl

    @dsl.container_component
    def step():
        return dsl.ContainerSpec(image="alpine:3.20", command=["true"])

    @dsl.pipeline(name="p", description="bad\x01text")
    def pipeline():
        step()

    path = tmp_path / "pipeline.yaml"
    compiler.Compiler().compile(pipeline, str(path))
    with pytest.raises(yaml.YAMLError, match="special characters are not allowed"):
        components.load_component_from_file(str(path))


# --- property tests: the value parsers never crash and never take long -------------------

_QUANTITY_TEXT = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"[+-]?[0-9\u0660-\u0669]{0,50}(\.[0-9]{0,50})?"
                  r"(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E|[eE][+-]?[0-9]{1,15})?", fullmatch=True))


@settings(max_examples=400, deadline=1000)
@given(_QUANTITY_TEXT)
def test_quantity_parser_is_total_and_bounded(text):
    try:
        value = parse_quantity(text)
    except OutOfRange:
        return
    if value is not None:
        assert text.isascii() and abs(value) <= 2**63 - 1


@settings(max_examples=400, deadline=1000)
@given(st.one_of(st.text(max_size=40),
                 st.from_regex(r"([0-9\u0661]{1,30}(ms|s|m|h|d|w)){1,4}", fullmatch=True)))
def test_duration_parser_is_total_and_bounded(text):
    total = duration_ms(text)
    assert total is None or (text.isascii() and 0 <= total <= MAX_DURATION_MS + 1)
