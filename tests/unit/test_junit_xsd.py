"""JUnit output against Jenkins xunit's junit-10.xsd, unique test ids, warnings and --fail-on."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters import render
from mlopsc.source import Span

ROOT = Path(__file__).resolve().parents[2]
XSD = ROOT / "tests/fixtures/schemas/junit/junit-10.xsd"
IMAGES = ROOT / "tests/invalid/images.yaml"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def _findings() -> list[Diagnostic]:
    span = Span("mlops.yaml", 3, 5, 3, 9)
    return [
        Diagnostic("E306", Severity.ERROR, "twice <here> & \x1b[31m", path="models.a", span=span),
        Diagnostic("E306", Severity.ERROR, "twice again", path="models.a", span=span),
        Diagnostic("W320", Severity.WARNING, "image has no tag", path="pipelines.p", span=span),
        Diagnostic("GOV-001", Severity.ERROR, "no owner", path="models.a", waiver="w-1"),
        Diagnostic("N900", Severity.NOTE, "a note"),
    ]


def _junit(findings: list[Diagnostic], fail_on: str = "error") -> str:
    return render("junit", findings, tool_version="0.1.0", fail_on=fail_on)


@pytest.mark.parametrize("fail_on", ["error", "warning"])
@pytest.mark.parametrize("findings", [[], _findings(), _findings() * 30])
def test_valid_against_junit_10_xsd(schema, findings, fail_on):
    schema.validate(_junit(findings, fail_on))


def test_the_schema_rejects_what_jenkins_rejects(schema):
    # ``skipped`` on <testsuites> is not in junit-10.xsd (mlopsc used to write it).
    bad = _junit(_findings()).replace('<testsuites name="mlopsc"',
                                      '<testsuites skipped="1" name="mlopsc"')
    assert not schema.is_valid(bad)
    assert not schema.is_valid(_junit([]).replace('name="mlopsc" />', "/>"))


def test_test_ids_are_unique():
    cases = ET.fromstring(_junit(_findings() * 30)).iter("testcase")
    ids = [(case.get("classname"), case.get("name")) for case in cases]
    assert len(ids) == len(set(ids))
    assert ("E306", "mlops.yaml:3:5 models.a #2") in ids


def _outcomes(xml: str) -> dict[str, list[str]]:
    outcome: dict[str, list[str]] = {}
    for case in ET.fromstring(xml).iter("testcase"):
        outcome.setdefault(case.get("classname"), []).extend(child.tag for child in case)
    return outcome


def test_warnings_pass_unless_warnings_block():
    default = ET.fromstring(_junit(_findings()))
    assert _outcomes(_junit(_findings()))["W320"] == ["system-out"]
    assert default.find("testsuite").get("failures") == "2"
    strict = ET.fromstring(_junit(_findings(), "warning"))
    assert _outcomes(_junit(_findings(), "warning"))["W320"] == ["failure"]
    assert strict.find("testsuite").get("failures") == "3"
    assert strict.get("failures") == "3"
    # notes never fail, waived findings are skipped whatever blocks
    assert _outcomes(_junit(_findings(), "warning"))["N900"] == ["system-out"]
    assert _outcomes(_junit(_findings(), "warning"))["GOV-001"] == ["skipped"]


def _only_warnings(tmp_path: Path) -> Path:
    # The spec test_cli uses for --fail-on: image warnings only, no blocking rule.
    text = IMAGES.read_text().replace('      - {name: c, image: "Acme Train", after: [b]}\n', "")
    text += "governance:\n  disabled_rules:\n" + "".join(
        f"    - {{rule: {rule}, reason: test, approver: t}}\n"
        for rule in ("GOV-001", "PIPE-001", "PIPE-003"))
    spec = tmp_path / "mlops.yaml"
    spec.write_text(text)
    return spec


@pytest.mark.parametrize(("fail_on", "status", "failures"), [("error", 0, "0"),
                                                              ("warning", 1, None)])
def test_cli_report_agrees_with_the_exit_status(schema, tmp_path, fail_on, status, failures):
    run = subprocess.run([sys.executable, "-m", "mlopsc", "validate", str(_only_warnings(tmp_path)),
                          "--format", "junit", "--fail-on", fail_on],
                         capture_output=True, text=True, check=False)
    assert run.returncode == status, run.stderr
    schema.validate(run.stdout)
    count = ET.fromstring(run.stdout).find("testsuite").get("failures")
    assert count == failures if failures else int(count) > 0
