"""The governance report as one self-contained HTML page for auditors.

The page holds the lineage graph as inline SVG (:mod:`mlopsc.lineage.svg`), the report's
tables and, given a base report, what changed since it (the changes of
:func:`mlopsc.governance.diff.diff_reports`). It loads nothing: no script, no font, no
image, no link to follow; its Content-Security-Policy allows inline styles only, so even
markup that escaped escaping could not run. Every spec string is escaped as HTML text
(``& < > "``) and cut to one line; the bytes depend on the report, the graph and the
notice only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mlopsc.governance import html_tables as tables
from mlopsc.governance.html_tables import Table
from mlopsc.lineage.svg import comment_text, one_line, svg_element

if TYPE_CHECKING:
    import networkx as nx

    from mlopsc.api import Result
    from mlopsc.driver import Options
    from mlopsc.ir import IR

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
"""Inline styles only: no script, no request, no form, no base URL."""

# Cell values that colour a row; anything else leaves it plain.
_STATUS = {"fail": "bad", "expired": "bad", False: "bad", "waived": "warn", "unused": "warn",
           "pass": "good", "active": "good", True: "good"}
_CHANGE = {"added": "added", "removed": "removed", "changed": "changed"}
_SECTION_TITLES = {"platform": "Platform", "models": "Models", "policies": "Policies",
                   "waivers": "Waivers", "regulations": "Regulations",
                   "data_contracts": "Data contracts", "feature_sets": "Feature sets",
                   "slos": "Service level objectives",
                   "deployments": "Deployments and rollouts"}
_STYLE_SHEET = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
margin:0 auto;padding:16px 24px;max-width:1600px;background:#fff}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid
#d1d5db;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.notice{color:#6b7280;font-size:12px}nav ul{list-style:none;padding:0;margin:0;display:flex;
flex-wrap:wrap;gap:4px 14px}table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid #d1d5db;padding:3px 8px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}th{background:#f3f4f6}tbody tr:nth-child(even){background:#f9fafb}
tr.bad td{background:#fecaca}tr.warn td{background:#fef9c3}tr.good td:first-child{
border-left:3px solid #16a34a}tr.added td:first-child{border-left:3px solid #16a34a}
tr.removed td:first-child{border-left:3px solid #dc2626}tr.changed td:first-child{
border-left:3px solid #d97706}figure{margin:0}.graph{overflow-x:auto;border:1px solid
#e5e7eb;padding:4px}figcaption,.empty,.note{color:#4b5563}
@media print{.graph{overflow:visible}nav{display:none}}
"""


def html_report(result: Result, report: dict[str, Any], notice: str, *,
                base: str | None = None, options: Options | None = None) -> str:
    """The page of a validated spec: ``result`` gives the lineage graph and the monitors,
    ``report`` the tables; ``base`` (a ``report.json`` or a spec, read as ``report diff``
    reads OLD, with ``options``) adds what changed since it.

    Example::

        result, report = report_for(options)
        page = html_report(result, report, generated_notice("1.0", "mlops.yaml"))
    """
    import networkx as nx

    changes = None
    if base is not None:
        from mlopsc.governance.diff import diff_reports
        from mlopsc.governance.inputs import load_report

        changes = diff_reports(load_report(base, options), report).to_dict()["changes"]
    graph = result.compilation.lineage
    ir = result.ir
    return render_html(report, graph if graph is not None else nx.DiGraph(), notice,
                       changes=changes, monitors=monitor_rows(ir) if ir is not None else [])


def render_html(report: dict[str, Any], graph: nx.DiGraph[str], notice: str, *,
                changes: list[dict[str, Any]] | None = None,
                monitors: list[dict[str, Any]] | None = None) -> str:
    """The page: ``changes`` as in ``ReportDiff.to_dict()["changes"]`` (``None``: no base
    was given, so no changes section), ``monitors`` as :func:`monitor_rows` gives them."""
    title = f"Governance report: {one_line(str(report['platform']['name']))}"
    sections = [("summary", "Summary", _table(_facts(report)))]
    if changes is not None:
        sections.append(("changes", f"Changes since the base report ({len(changes)})",
                         _changes(changes)))
    sections.append(("lineage", "Lineage", _lineage(graph)))
    found = [make(report) for make in tables.TABLES]
    found.append(tables.monitors(monitors or []))
    found += [make(report) for make in tables.LATE_TABLES]
    sections += [(t.key, t.title, _table(t)) for t in found]
    nav = "".join(f'<li><a href="#{key}">{h(name)}</a></li>' for key, name, _ in sections)
    body = "\n".join(f'<section id="{key}">\n<h2>{h(name)}</h2>\n{content}\n</section>'
                     for key, name, content in sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<!-- {comment_text(notice)} -->\n"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="{h(report.get("generator", "mlopsc"))}">\n'
            f"<title>{h(title)}</title>\n<style>{_STYLE_SHEET}</style>\n</head>\n<body>\n"
            f'<header>\n<h1>{h(title)}</h1>\n<p class="notice">{h(notice)}</p>\n'
            f"<nav><ul>{nav}</ul></nav>\n</header>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def monitor_rows(ir: IR) -> list[dict[str, Any]]:
    """The monitors of ``ir`` by id, as plain data for the monitors table."""
    rows = []
    for m in sorted(ir.monitors, key=lambda m: m.id):
        routing = m.routing
        routed = [routing.team, routing.receiver] if routing else []
        rows.append({
            "name": m.name, "type": m.type,
            "subjects": [s for s in (m.dataset, m.model, m.deployment) if s],
            "features": [{"name": f.name, "method": f.method, "threshold": f.threshold}
                         for f in m.features],
            "metric": m.metric, "threshold": m.threshold, "window_s": m.window_s,
            "severity": m.severity, "routed_to": tables.joined(routed), "runbook": m.runbook})
    return rows


def _facts(report: dict[str, Any]) -> Table:
    platform, summary = report["platform"], report["summary"]
    policies = (f"{summary['pass']} passed, {summary['fail']} failed, "
                f"{summary['waived']} waived" if summary["policies_evaluated"]
                else "not evaluated")
    return Table("summary", "Summary", ("fact", "value"), [
        ("platform", platform["name"]), ("owner", platform["owner"]),
        ("environment", platform["environment"] or "(none: base spec)"),
        ("waivers judged as of", report["as_of"]), ("spec SHA-256", platform["spec_hash"]),
        ("generator", report.get("generator")), ("models", summary["models"]),
        ("policy results", policies),
        ("waivers", f"{summary['waivers']} ({summary['expired_waivers']} expired)"),
        ("data contracts with PII", summary.get("data_contracts_with_pii"))])


def _changes(changes: list[dict[str, Any]]) -> str:
    """The changes grouped by report section, in the diff's order."""
    if not changes:
        return '<p class="empty">No governance changes.</p>'
    groups: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        groups.setdefault(str(change.get("section", "")), []).append(change)
    parts = []
    for section, items in groups.items():
        rows = "".join(
            f'<tr class="{_CHANGE.get(str(c.get("kind")), "changed")}"><td>{h(c.get("kind"))}'
            f'</td><td>{h(c.get("subject"))}</td><td>{h(c.get("message"))}</td></tr>\n'
            for c in items)
        title = _SECTION_TITLES.get(section, section.replace("_", " ").capitalize())
        parts.append(f"<h3>{h(title)} ({len(items)})</h3>\n<table>\n<thead><tr><th>change</th>"
                     f"<th>subject</th><th>what changed</th></tr></thead>\n<tbody>\n{rows}"
                     "</tbody>\n</table>")
    return "\n".join(parts)


def _lineage(graph: nx.DiGraph[str]) -> str:
    if not len(graph):
        return '<p class="empty">The lineage graph is empty.</p>'
    caption = (f"{len(graph)} nodes, {graph.number_of_edges()} edges; data flows left to "
               "right. Hover a node for its id and full label.")
    return (f'<figure>\n<div class="graph">\n{svg_element(graph)}\n</div>\n'
            f"<figcaption>{h(caption)}</figcaption>\n</figure>")


def _table(table: Table) -> str:
    notes = "".join(f'<p class="note">{h(n)}</p>\n' for n in table.notes)
    if not table.rows:
        return f'{notes}<p class="empty">{h(table.empty)}</p>'
    head = "".join(f"<th>{h(c)}</th>" for c in table.headers)
    return (f"{notes}<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "".join(_row(row, table.status_column) for row in table.rows)
            + "</tbody>\n</table>")


def _row(row: Sequence[object], status_column: int | None) -> str:
    status = row[status_column] if status_column is not None else None
    css = _STATUS.get(status, "") if isinstance(status, (str, bool)) else ""
    cells = "".join(f"<td>{h(value)}</td>" for value in row)
    return f'<tr class="{css}">{cells}</tr>\n' if css else f"<tr>{cells}</tr>\n"


def h(value: object) -> str:
    """A value as one line of HTML text, safe as element content or a quoted attribute.

    >>> h('<img src=x onerror="alert(1)">\\n{{ x }}')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; {{ x }}'
    >>> h(None), h(True), h(2.0)
    ('—', 'yes', '2')
    """
    return html.escape(one_line(" ".join(tables.plain(value).split())), quote=True)
