"""Governance outputs: the report (JSON + Markdown), its JSON Schema, and the report diff.

Example::

    from mlopsc.governance import build_report, diff_reports
    changes = diff_reports(old_report, new_report)
    print(changes.render("text"))
"""

from mlopsc.governance.diff import Change, ReportDiff, diff_reports
from mlopsc.governance.report import REPORT_VERSION, build_report

__all__ = ["REPORT_VERSION", "Change", "ReportDiff", "build_report", "diff_reports"]
