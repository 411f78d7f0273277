"""JUnit XML for CI test-report views (Jenkins, GitLab, Azure DevOps)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters._common import clean, omitted_line
from mlopsc.printable import printable

# Characters that XML 1.0 cannot hold at all, beyond the controls ``clean`` replaces.
_NON_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def render(diagnostics: Sequence[Diagnostic], *, omitted: int = 0, fail_on: str = "error",
           **_: object) -> str:
    """One ``<testsuite name="mlopsc">`` with one ``<testcase>`` per finding, valid against
    Jenkins xunit's junit-10.xsd.

    Errors fail, and warnings too under ``fail_on="warning"`` (``--fail-on warning``), so
    the report agrees with the exit status; otherwise a warning passes with its details in
    ``<system-out>``, as notes do. Waived findings are skipped. Test ids (classname, name)
    are unique: a second finding of one code at one place gets `` #2``. With no findings
    there is one passing testcase named ``mlopsc``.

    >>> print(render([]), end="")
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="mlopsc" tests="1" failures="0" errors="0">
      <testsuite name="mlopsc" tests="1" failures="0" errors="0" skipped="0">
        <testcase classname="mlopsc" name="mlopsc" />
      </testsuite>
    </testsuites>
    """
    threshold = Severity.parse(fail_on)
    names: dict[tuple[str, str], int] = {}
    cases = [_testcase(d, threshold, names) for d in diagnostics]
    if not cases:
        cases = [_element("testcase", classname="mlopsc", name="mlopsc")]
    if omitted:  # a passing case that says so; the failures shown already fail the suite
        note = _element("testcase", classname="mlopsc", name="omitted findings")
        _child(note, "system-out", None).text = omitted_line(omitted)
        cases.append(note)
    failures = sum(1 for d in diagnostics if _fails(d, threshold))
    skipped = sum(1 for d in diagnostics if d.waiver)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    # junit-10.xsd allows ``skipped`` on <testsuite> only.
    root = _element("testsuites", name="mlopsc", **counts)
    suite = ET.SubElement(root, "testsuite", {"name": "mlopsc", **counts,
                                              "skipped": str(skipped)})
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _fails(diagnostic: Diagnostic, threshold: Severity) -> bool:
    return not diagnostic.waiver and diagnostic.severity >= threshold


def _testcase(diagnostic: Diagnostic, threshold: Severity,
              names: dict[tuple[str, str], int]) -> ET.Element:
    classname, name = clean(diagnostic.code), _name(diagnostic)
    seen = names.get((classname, name), 0) + 1
    names[(classname, name)] = seen
    if seen > 1:
        name = f"{name} #{seen}"
    case = _element("testcase", classname=classname, name=name)
    if diagnostic.waiver:
        _child(case, "skipped", f"waived by {clean(diagnostic.waiver)}")
    elif _fails(diagnostic, threshold):
        failure = _child(case, "failure", clean(diagnostic.message),
                         type=diagnostic.severity.label)
        failure.text = _xml(_details(diagnostic))
    else:
        _child(case, "system-out", None).text = _xml(_details(diagnostic))
    return case


def _name(diagnostic: Diagnostic) -> str:
    parts = [clean(str(diagnostic.span))] if diagnostic.span else []
    if diagnostic.path:
        parts.append(clean(diagnostic.path))
    return " ".join(parts) or clean(diagnostic.code)


def _details(diagnostic: Diagnostic) -> str:
    # Each spec-given string on its own line (clean() keeps it there); the line breaks
    # between them are mlopsc's own.
    where = clean(diagnostic.location())
    prefix = f"{where}: " if where else ""
    head = f"{prefix}{diagnostic.severity.label}[{clean(diagnostic.code)}]: "
    lines = [head + clean(diagnostic.message)]
    if diagnostic.hint:
        lines.append(f"hint: {clean(diagnostic.hint)}")
    if diagnostic.path:
        lines.append(f"path: {clean(diagnostic.path)}")
    return "\n".join(lines)


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(tag, {key: _xml(value) for key, value in attributes.items()})


def _child(parent: ET.Element, tag: str, message: str | None, **attributes: str) -> ET.Element:
    if message is not None:
        attributes = {"message": message, **attributes}
    element = _element(tag, **attributes)
    parent.append(element)
    return element


def _xml(text: str) -> str:
    # ElementTree escapes markup but writes control characters through, which no XML
    # parser accepts. Spec strings were cleaned by the callers; what is left here is
    # mlopsc's own text (line breaks between detail lines) and characters XML cannot hold.
    return _NON_XML.sub("\ufffd", printable(text, keep="\n"))
