"""Output formats of findings: one module per format, chosen by name from one table.

Diagnostics arrive sorted; every format is deterministic (no clocks, no absolute paths), so
the same findings always render to the same bytes. Output is bounded whatever the input: at
most 20 findings per code and 200 in all are printed (the summary counts every one and says
how many were left out), messages and hints are cut at 500 characters, spec paths at 300,
and a source excerpt shows at most 200 characters of one line around the finding.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence

from mlopsc.diagnostics import Diagnostic
from mlopsc.source import SourceIndex

FORMATS = ("text", "json", "sarif", "junit", "github")
_MODULES = {"text": "text", "json": "json_format", "sarif": "sarif", "junit": "junit",
            "github": "github"}


class UnknownFormat(ValueError):
    pass


def render(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    *,
    index: SourceIndex | None = None,
    tool_version: str,
    rule_docs: Mapping[str, tuple[str, str]] | None = None,
    color: bool = False,
    fail_on: str = "error",
) -> str:
    """Render findings in one of :data:`FORMATS`.

    ``index`` gives the text format its source excerpts; ``rule_docs`` maps codes that are
    not in the code table (Rego policy rules such as ``GOV-001``) to (title, explanation);
    ``color`` adds ANSI colours to the text format only; ``fail_on`` (``--fail-on``) is the
    least severity that blocks, so JUnit fails a warning only when warnings block.

    >>> print(render("text", [], tool_version="0.1.0"), end="")
    no problems found
    """
    if fmt not in _MODULES:
        raise UnknownFormat(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from mlopsc.formatters._common import bounded, summarize

    module = importlib.import_module(f"mlopsc.formatters.{_MODULES[fmt]}")
    # Counts cover every finding; what is printed is bounded (see _common.bounded).
    shown, omitted = bounded(diagnostics)
    text: str = module.render(shown, index=index, tool_version=tool_version,
                              rule_docs=rule_docs, color=color, summary=summarize(diagnostics),
                              omitted=omitted, fail_on=fail_on)
    return text


__all__ = ["FORMATS", "UnknownFormat", "render"]
