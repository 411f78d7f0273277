"""JUnit XML for CI test-report views (Jenkins, GitLab, Azure DevOps)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from mlopsc.diagnostics import Diagnostic, Severity
from mlopsc.formatters._common import clean, omitted_line, summarize
from mlopsc.printable import printable

# Characters that XML 1.0 cannot hold at all, beyond the controls ``clean`` replaces.
_NON_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def render(diagnostics: Sequence[Diagnostic], *, omitted: int = 0, **_: object) -> str:
    """One ``<testsuite name="mlopsc">`` with one ``<testcase>`` per finding.

    Errors and warnings fail, waived findings are skipped, notes pass; with no findings
    there is one passing testcase named ``mlopsc``.

    >>> print(render([]), end="")
    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="mlopsc" tests="1" failures="0" errors="0" skipped="0">
      <testsuite name="mlopsc" tests="1" failures="0" errors="0" skipped="0">
        <testcase classname="mlopsc" name="mlopsc" />
      </testsuite>
    </testsuites>
    """
    cases = [_testcase(d) for d in diagnostics] or [_element("testcase", classname="mlopsc",
                                                             name="mlopsc")]
    if omitted:  # a passing case that says so; the failures shown already fail the suite
        note = _element("testcase", classname="mlopsc", name="omitted findings")
        _child(note, "system-out", None).text = omitted_line(omitted)
        cases.append(note)
    summary = summarize(diagnostics)
    counts = {"tests": str(len(cases)), "failures": str(summary.errors + summary.warnings),
              "errors": "0", "skipped": str(summary.waived)}
    root = _element("testsuites", name="mlopsc", **counts)
    suite = ET.SubElement(root, "testsuite", name="mlopsc", **counts)
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _testcase(diagnostic: Diagnostic) -> ET.Element:
    case = _element("testcase", classname=clean(diagnostic.code), name=_name(diagnostic))
    if diagnostic.waiver:
        _child(case, "skipped", f"waived by {clean(diagnostic.waiver)}")
    elif diagnostic.severity >= Severity.WARNING:
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
