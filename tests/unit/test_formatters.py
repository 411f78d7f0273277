"""Formatters: exact snapshots of every format, SARIF schema, GitHub and XML escaping."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters import FORMATS, UnknownFormat, render
from mlopsc.formatters._common import Summary
from mlopsc.formatters.text import summary_line
from mlopsc.printable import printable
from mlopsc.source import SourceIndex, Span

SARIF_SCHEMA = Path(__file__).parent.parent / "fixtures/schemas/sarif/sarif-schema-2.1.0.json"

SOURCE = """\
apiVersion: mlopsc/v1
pipelines:
  train:
    steps:
      - name: fit
        image: trainer
deployments:
  fraud:
    rollout:
      steps:
        - weight: 20
        - weight: 10
"""
RULE_DOCS = {"GOV-001": ("model card required", "Tier-1 models need a model card.")}


def _index(source: str = SOURCE, file: str = "mlops.yaml") -> SourceIndex:
    index = SourceIndex()
    index.add_source(file, source)
    return index


def _findings() -> list[Diagnostic]:
    items = [
        Diagnostic("W320", Severity.WARNING, "image 'trainer' has no tag",
                   path="pipelines.train.steps[0].image", span=Span("mlops.yaml", 6, 16, 6, 23),
                   hint="pin the image by tag"),
        Diagnostic("GOV-001", Severity.ERROR, "tier-1 model without a model card",
                   path="deployments.fraud", span=Span("mlops.yaml", 8, 3, 12, 21),
                   waiver="card-exception"),
        Diagnostic("E306", Severity.ERROR, "step 1 has weight 10, not above 20",
                   path="deployments.fraud.rollout.steps[1].weight",
                   span=Span("mlops.yaml", 12, 19, 12, 21), hint="make it larger than 20"),
        Diagnostic("N900", Severity.NOTE, "model 'fraud' has no owner", path="models.fraud"),
    ]
    return sorted(items, key=Diagnostic.sort_key)


def _render(fmt: str, diagnostics: list[Diagnostic] | None = None, **options) -> str:
    findings = _findings() if diagnostics is None else diagnostics
    options = {"index": _index(), "tool_version": "0.1.0", "rule_docs": RULE_DOCS, **options}
    return render(fmt, findings, **options)


def _one(message: str = "bad", **fields) -> list[Diagnostic]:
    fields = {"code": "E306", "severity": Severity.ERROR, "message": message, **fields}
    return [Diagnostic(**fields)]


# --- text -----------------------------------------------------------------------------

TEXT = """\
models.fraud: note[N900]: model 'fraud' has no owner

mlops.yaml:6:16: warning[W320]: image 'trainer' has no tag
  6 |         image: trainer
    |                ^^^^^^^
  = hint: pin the image by tag
  = path: pipelines.train.steps[0].image

mlops.yaml:8:3: error[GOV-001]: tier-1 model without a model card (waived by card-exception)
  8 |   fraud:
    |   ^
  = path: deployments.fraud

mlops.yaml:12:19: error[E306]: step 1 has weight 10, not above 20
  12 |         - weight: 10
     |                   ^^
  = hint: make it larger than 20
  = path: deployments.fraud.rollout.steps[1].weight

1 error, 1 warning, 1 note, 1 waived
"""


def test_text_snapshot():
    assert _render("text") == TEXT


def test_text_colour_only_when_asked():
    assert "\x1b[" not in _render("text")
    coloured = _render("text", color=True)
    assert "\x1b[1;31merror[E306]\x1b[0m" in coloured
    assert "\x1b[1;33mwarning[W320]\x1b[0m" in coloured


@pytest.mark.parametrize(("summary", "expected"), [
    (Summary(), "no problems found"),
    (Summary(errors=1), "1 error"),
    (Summary(errors=2, warnings=1, waived=1), "2 errors, 1 warning, 1 waived"),
    (Summary(warnings=3, notes=2), "3 warnings, 2 notes"),
    (Summary(waived=2), "2 waived"),
])
def test_summary_line(summary, expected):
    assert summary_line(summary) == expected


@pytest.mark.parametrize(("source", "span", "expected"), [
    ("  key: value", Span("f", 1, 3, 1, 6), ["  1 |   key: value", "    |   ^^^"]),
    ("  key: value", Span("f", 1, 8, 3, 2), ["  1 |   key: value", "    |        ^"]),
    ("  key: value", Span("f", 1, 8, 1, 99), ["  1 |   key: value", "    |        ^^^^^"]),
    ("  key: value", Span("f", 1, 3, 1, 3), ["  1 |   key: value", "    |   ^"]),
    ("\tk: v", Span("f", 1, 5, 1, 6), ["  1 | \tk: v", "    | \t   ^"]),
    ("name: ünïcødé", Span("f", 1, 7, 1, 14), ["  1 | name: ünïcødé", "    |       ^^^^^^^"]),
])
def test_text_carets(source, span, expected):
    out = render("text", _one(span=span), index=_index(source, "f"), tool_version="0")
    assert out.splitlines()[1:3] == expected


def test_text_without_source_has_no_excerpt():
    out = render("text", _one(span=Span("f", 1, 1, 1, 2)), tool_version="0")
    assert out == "f:1:1: error[E306]: bad\n\n1 error\n"


def test_text_neutralises_terminal_escapes_and_newlines():
    out = render("text", _one("a\x1b[2Jb\nmlops.yaml:1:1: error[E999]: fake"), tool_version="0")
    assert out == ("error[E306]: a\\x1b[2Jb\\nmlops.yaml:1:1: error[E999]: fake\n\n1 error\n")


def test_text_empty():
    assert _render("text", []) == "no problems found\n"


def test_text_waived_never_counts_as_error():
    out = render("text", _one(waiver="w1"), tool_version="0")
    assert out == "error[E306]: bad (waived by w1)\n\n1 waived\n"


# --- json -----------------------------------------------------------------------------

JSON_E306 = """\
{
  "diagnostics": [
    {
      "code": "E306",
      "column": 19,
      "end_column": 21,
      "end_line": 12,
      "file": "mlops.yaml",
      "hint": "make it larger than 20",
      "line": 12,
      "message": "step 1 has weight 10, not above 20",
      "path": "deployments.fraud.rollout.steps[1].weight",
      "severity": "error",
      "waiver": null
    }
  ],
  "summary": {
    "errors": 1,
    "notes": 0,
    "total": 1,
    "waived": 0,
    "warnings": 0
  },
  "version": "0.1.0"
}
"""


def test_json_snapshot():
    assert _render("json", [d for d in _findings() if d.code == "E306"]) == JSON_E306


def test_json_summary_and_spanless_finding():
    doc = json.loads(_render("json"))
    assert doc["summary"] == {"errors": 1, "warnings": 1, "notes": 1, "waived": 1, "total": 4}
    assert [d["code"] for d in doc["diagnostics"]] == ["N900", "W320", "GOV-001", "E306"]
    assert doc["diagnostics"][0]["file"] is None and doc["diagnostics"][0]["line"] is None
    assert doc["diagnostics"][2]["waiver"] == "card-exception"


def test_json_empty_and_unicode():
    assert json.loads(_render("json", []))["diagnostics"] == []
    out = _render("json", _one("modèle « fraud » 模型", span=Span("spécs\\m.yaml", 1, 1, 1, 2)))
    assert "modèle « fraud » 模型" in out
    assert json.loads(out)["diagnostics"][0]["file"] == "spécs/m.yaml"


# --- sarif ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("findings", [
    None, [], _one("ünïcødé\n%", span=Span("a b/ç.yaml", 1, 1, 2, 1))])
def test_sarif_validates_against_oasis_schema(sarif_validator, findings):
    log = json.loads(_render("sarif", findings))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert errors == []


def test_sarif_schema_rejects_a_broken_log(sarif_validator):
    log = json.loads(_render("sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(log)


def test_sarif_rules_one_per_code_with_descriptions():
    run = json.loads(_render("sarif"))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["E306", "GOV-001", "N900", "W320"]
    assert {k: v for k, v in rules[0].items() if k not in ("help", "helpUri")} == {
        "id": "E306", "name": "CanaryWeightsDoNotRise",
        "shortDescription": {"text": "canary weights do not rise"},
        "fullDescription": {"text": "Canary steps shift traffic to the new version step by "
                                    "step; each step's weight must be larger than the one before."},
        "defaultConfiguration": {"level": "error"},
    }
    assert rules[1]["shortDescription"] == {"text": "model card required"}
    assert rules[1]["fullDescription"] == {"text": "Tier-1 models need a model card."}
    assert rules[2]["shortDescription"] == {"text": "N900"}
    assert rules[2]["defaultConfiguration"] == {"level": "note"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_result_exact():
    result = json.loads(_render("sarif"))["runs"][0]["results"][3]
    assert len(result.pop("partialFingerprints")["mlopsc/v1"]) == 32
    assert result == {
        "ruleId": "E306", "ruleIndex": 0, "level": "error",
        "message": {"text": "step 1 has weight 10, not above 20\nhint: make it larger than 20"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "mlops.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 12, "startColumn": 19, "endLine": 12, "endColumn": 21},
        }}],
        "properties": {"path": "deployments.fraud.rollout.steps[1].weight"},
    }


def test_sarif_waived_is_suppressed_and_tool_named():
    log = json.loads(_render("sarif"))
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mlopsc", "0.1.0")
    suppressed = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["GOV-001"]
    assert suppressed[0]["suppressions"] == [
        {"kind": "external", "justification": "waiver card-exception"}]


def test_sarif_uri_is_relative_posix_and_encoded():
    log = json.loads(_render("sarif", _one(span=Span("specs\\prod env\\mlops.yaml", 1, 1, 1, 2))))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "specs/prod%20env/mlops.yaml"


# --- junit ----------------------------------------------------------------------------

JUNIT = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="mlopsc" tests="4" failures="1" errors="0">
  <testsuite name="mlopsc" tests="4" failures="1" errors="0" skipped="1">
    <testcase classname="N900" name="models.fraud">
      <system-out>models.fraud: note[N900]: model 'fraud' has no owner
path: models.fraud</system-out>
    </testcase>
    <testcase classname="W320" name="mlops.yaml:6:16 pipelines.train.steps[0].image">
      <system-out>mlops.yaml:6:16: warning[W320]: image 'trainer' has no tag
hint: pin the image by tag
path: pipelines.train.steps[0].image</system-out>
    </testcase>
    <testcase classname="GOV-001" name="mlops.yaml:8:3 deployments.fraud">
      <skipped message="waived by card-exception" />
    </testcase>
    <testcase classname="E306" name="mlops.yaml:12:19 deployments.fraud.rollout.steps[1].weight">
      <failure message="step 1 has weight 10, not above 20" type="error">mlops.yaml:12:19: \
error[E306]: step 1 has weight 10, not above 20
hint: make it larger than 20
path: deployments.fraud.rollout.steps[1].weight</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_junit_snapshot():
    assert _render("junit") == JUNIT


def test_junit_empty_is_one_passing_testcase():
    suite = ET.fromstring(_render("junit", [])).find("testsuite")
    assert suite.attrib == {"name": "mlopsc", "tests": "1", "failures": "0", "errors": "0",
                            "skipped": "0"}
    assert [(c.get("name"), list(c)) for c in suite] == [("mlopsc", [])]


@pytest.mark.parametrize(("message", "expected"), [
    ('<b>&amp; "q" \'s\' ]]>', '<b>&amp; "q" \'s\' ]]>'),
    ("line1\nline2", "line1\\nline2"),
    ("bell\x07 esc\x1b[31m nul\x00", "bell\\x07 esc\\x1b[31m nul\\x00"),
    ("ünïcødé 模型 \U0001f680", "ünïcødé 模型 \U0001f680"),
    ("not xml \ufffe", "not xml \ufffd"),
])
def test_junit_escapes_messages(message, expected):
    out = _render("junit", _one(message, path="models.<x>"))
    case = ET.fromstring(out).find("testsuite/testcase")
    assert case.get("name") == "models.<x>"
    assert case.find("failure").get("message") == expected
    assert expected in case.find("failure").text


# --- github ---------------------------------------------------------------------------

GITHUB = (
    "::notice title=N900::model 'fraud' has no owner%0Apath: models.fraud\n"
    "::warning file=mlops.yaml,line=6,col=16,endLine=6,endColumn=22,"
    "title=W320 unused definition::image 'trainer' has no tag%0Ahint: pin the image by tag"
    "%0Apath: pipelines.train.steps[0].image\n"
    "::notice file=mlops.yaml,line=8,endLine=12,title=GOV-001 model card required::"
    "tier-1 model without a model card (waived by card-exception)%0Apath: deployments.fraud\n"
    "::error file=mlops.yaml,line=12,col=19,endLine=12,endColumn=20,"
    "title=E306 canary weights do not rise::step 1 has weight 10, not above 20"
    "%0Ahint: make it larger than 20%0Apath: deployments.fraud.rollout.steps[1].weight\n"
    "mlopsc: 1 errors, 1 warnings, 1 notes, 1 waived; all shown as annotations\n"
)


def test_github_snapshot():
    assert _render("github") == GITHUB


def test_github_empty():
    assert _render("github", []) == ("mlopsc: 0 errors, 0 warnings, 0 notes, 0 waived; "
                                     "all shown as annotations\n")


def _commands(out: str) -> str:
    # The last line is the plain count line (tests/unit/test_sarif_github.py).
    body, _sep, count = out.rstrip("\n").rpartition("\n")
    assert count.startswith("mlopsc: ")
    return body + "\n" if body else ""


def _unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","),
                         ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


@pytest.mark.parametrize("message", [
    "x\n::error file=evil.py,line=1::pwned",
    "x\r\n::add-mask::secret",
    "x\r::stop-commands::token",
    "literal %0A is not a newline, 100% sure",
    "a, b: c :: d",
])
def test_github_message_cannot_inject_a_command(message):
    out = _commands(_render("github", _one(message, hint="h\n::warning::x")))
    assert out.count("\n") == 1 and "\r" not in out and out.startswith("::error title=E306 ")
    data = out.rstrip("\n").split("::", 2)[2]
    assert _unescape(data) == f"{printable(message)}\nhint: h\\n::warning::x"


def test_github_properties_escape_colons_and_commas():
    span = Span("dir,x/a:b%.yaml\nline=9", 3, 1, 3, 4)
    out = _commands(_render("github", _one(span=span), rule_docs=None))
    assert out == ("::error file=dir%2Cx/a%3Ab%25.yaml\\nline=9,line=3,col=1,endLine=3,"
                   "endColumn=3,title=E306 canary weights do not rise::bad\n")


def test_github_policy_title_from_rule_docs():
    out = _commands(render("github", _one(code="GOV-9", waiver="w,1"), tool_version="0",
                           rule_docs={"GOV-9": ("a: b, c", "x")}))
    assert out == "::notice title=GOV-9 a%3A b%2C c::bad (waived by w,1)\n"


# --- all formats ----------------------------------------------------------------------

def test_formats_table():
    assert FORMATS == ("text", "json", "sarif", "junit", "github")


def test_unknown_format():
    with pytest.raises(UnknownFormat, match="choose one of text, json"):
        _render("html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic_and_free_of_machine_paths(fmt):
    first = _render(fmt)
    assert first == _render(fmt)
    assert os.getcwd() not in first
    assert str(Path.home()) not in first
