"""SARIF rule metadata as GitHub code scanning reads it: help, helpUri, security severity.

SARIF 2.1.0 (3.49.12) wants ``helpUri`` to be an absolute URI, and the log is uploaded to
the user's repository, where a relative ``docs/...`` link would resolve against the user's
tree. Help links therefore name mlopsc's repository at the release that wrote the log
(``https://github.com/mlopsc/mlopsc/blob/v0.1.0/docs/diagnostics.md#e306-...``), so the
text a finding links to is the text of the version that produced it.
"""

from __future__ import annotations

import re

from mlopsc import __version__
from mlopsc.codes import UnknownCode, lookup
from mlopsc.diagnostics import Severity
from mlopsc.formatters._common import RuleDocs, default_severity, describe

DOCS_BASE = f"https://github.com/mlopsc/mlopsc/blob/v{__version__}/"
"""mlopsc's repository at this release's tag (docs/ci.md's pre-commit ``rev``)."""
DIAGNOSTICS_DOC = "docs/diagnostics.md"
POLICIES_DOC = "docs/policies.md#the-default-rules"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}

# Loader codes that stop an attack on the reader (billion laughs, object tags, files
# outside the repository, .git contents, control characters in names), with the CVSS-like
# score GitHub maps to critical (>= 9), high (>= 7), medium (>= 4) or low.
SECURITY_CODES = {"E106": "7.5", "E109": "7.5", "E117": "6.5", "E118": "7.5",
                  "E119": "7.5", "E123": "7.5", "E124": "5.0"}
_POLICY_SECURITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.NOTE: "2.0"}


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading.

    >>> anchor("E306: canary weights do not rise")
    'e306-canary-weights-do-not-rise'
    """
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def help_uri(code: str) -> str:
    """The documentation of ``code`` (an absolute URI): its section of docs/diagnostics.md,
    or the table of default rules in docs/policies.md for a policy rule the code table does
    not know.

    >>> help_uri("E306").removeprefix(DOCS_BASE)
    'docs/diagnostics.md#e306-canary-weights-do-not-rise'
    >>> help_uri("GOV-001").removeprefix(DOCS_BASE)
    'docs/policies.md#the-default-rules'
    """
    try:
        row = lookup(code)
    except UnknownCode:
        return DOCS_BASE + POLICIES_DOC
    return f"{DOCS_BASE}{DIAGNOSTICS_DOC}#{anchor(f'{row.code}: {row.title}')}"


def security_severity(code: str, level: Severity) -> str | None:
    """GitHub's ``security-severity`` of a security rule (SEC-* or a loader attack code)."""
    if code.startswith("SEC-"):
        return _POLICY_SECURITY[level]
    return SECURITY_CODES.get(code)


def rule_name(title: str) -> str:
    """A SARIF rule name (an identifier) from a title.

    >>> rule_name("canary weights do not rise")
    'CanaryWeightsDoNotRise'
    """
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def rule(code: str, severity: Severity, rule_docs: RuleDocs | None) -> dict[str, object]:
    """The ``reportingDescriptor`` of one code; ``severity`` is its first finding's, used for
    policy codes the table does not know."""
    title, explain = describe(code, rule_docs)
    level = default_severity(code, severity)
    uri = help_uri(code)
    hint = _hint(code)
    text = explain + (f"\n\nFix: {hint}" if hint else "") + f"\n\nSee {uri}"
    markdown = (f"**{_md(title)}**\n\n{_md(explain)}\n\n"
                + (f"Fix: {_md(hint)}\n\n" if hint else "") + f"[Documentation]({uri})")
    descriptor: dict[str, object] = {
        "id": code,
        "name": rule_name(title),
        "shortDescription": {"text": title},
        "fullDescription": {"text": explain},
        "help": {"text": text, "markdown": markdown},
        "helpUri": uri,
        "defaultConfiguration": {"level": LEVELS[level]},
    }
    score = security_severity(code, level)
    if score is not None:
        # GitHub reads security-severity only on rules tagged "security".
        descriptor["properties"] = {"security-severity": score, "tags": ["security"]}
    return descriptor


def _hint(code: str) -> str:
    try:
        return lookup(code).hint or ""
    except UnknownCode:
        return ""


def _md(text: str) -> str:
    # Policy titles come from Rego files a pull request may change: no raw HTML or links.
    return re.sub(r"([\\`*_{}\[\]<>()#+!|])", r"\\\1", text)
