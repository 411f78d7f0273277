"""The tables of the HTML report, as data: a title, column names and rows of plain values.

Rows hold values as the report has them (strings, numbers, booleans, ``None``); the page
(:mod:`mlopsc.governance.html`) escapes every cell when it writes it, so nothing here
needs to know about HTML. The columns follow the Markdown report's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlopsc.governance.report_md import rollout_details

Row = Sequence[object]


@dataclass(frozen=True)
class Table:
    """One section of the page: ``key`` is its anchor, ``empty`` what shows without rows,
    ``status_column`` the column whose value (pass, fail, expired ...) colours its row."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[Row]
    empty: str = "None."
    status_column: int | None = None
    notes: tuple[str, ...] = field(default=())


def models(report: dict[str, Any]) -> Table:
    return Table("models", "Models", (
        "model", "version", "stage", "owner", "risk tier", "framework", "required approvals",
        "regulations", "deployments"), [
        (m["name"], m["version"], m["stage"], m["owner"], m["risk_tier"], m.get("framework"),
         _required(m), joined(m["regulations"]), joined(names(m.get("deployments", []))))
        for m in report["models"]], "No models.")


def risk_tiers(report: dict[str, Any]) -> Table:
    """Per risk tier, what it requires and which models carry it."""
    tiers: dict[str, list[dict[str, Any]]] = {}
    for m in report["models"]:
        tiers.setdefault(str(m["risk_tier"]), []).append(m)
    return Table("risk-tiers", "Risk tiers", (
        "risk tier", "models", "approvals required", "approver roles"), [
        (tier, joined(m["name"] for m in group),
         joined(sorted({_required(m) for m in group})),
         joined(sorted({r for m in group for r in m["approver_roles_required"]})))
        for tier, group in sorted(tiers.items())], "No models.")


def approvals(report: dict[str, Any]) -> Table:
    return Table("approvals", "Approvals", (
        "model", "approved by", "role", "stage", "version approved", "date"), [
        (m["name"], a["by"], a["role"], a["stage"], a.get("version"), a["date"])
        for m in report["models"] for a in m["approvals"]], "No approvals.")


def training(report: dict[str, Any]) -> Table:
    return Table("training", "Training data", (
        "model", "data contracts (version trained on)", "feature sets"), [
        (m["name"], joined(f"{name(d['dataset'])} {d['version']}"
                           for d in m.get("training_data", [])),
         joined(m.get("training_feature_sets", []))) for m in report["models"]], "No models.")


def metrics(report: dict[str, Any]) -> Table:
    rows: list[Row] = []
    for m in report["models"]:
        rows += [(m["name"], x["name"], "performance", x["value"], x["threshold"],
                  x["baseline"], meets(x)) for x in m.get("metrics", [])]
        fairness = m.get("fairness") or {}
        rows += [(m["name"], x["name"], "fairness", x["value"], x["threshold"], None, meets(x))
                 for x in fairness.get("metrics", [])]
    return Table("metrics", "Metrics and fairness", (
        "model", "metric", "kind", "value", "threshold", "baseline", "meets threshold"),
        rows, "No metrics.", status_column=6)


def policies(report: dict[str, Any]) -> Table:
    p = report["policies"]
    titles = {r["code"]: r["title"] for r in p["rules"]}
    if not p["evaluated"]:
        note = "Policies were not evaluated: this report holds no pass or fail results."
    else:
        note = f"Engine: {p['engine']}; bundles: {joined(p['bundles']) or 'none'}."
    return Table("policies", "Policy results", (
        "rule", "title", "subject", "status", "waiver", "findings"), [
        (r["rule"], titles.get(r["rule"]), r["subject"], r["status"], r["waiver"],
         joined(r["messages"])) for r in p["results"]],
        "No rule applied to any subject.", status_column=3, notes=(note,))


def disabled_rules(report: dict[str, Any]) -> Table:
    return Table("disabled-rules", "Rules switched off for every subject", (
        "rule", "approver", "reason"), [
        (d["rule"], d["approver"], d["reason"]) for d in report["policies"]["disabled"]],
        "No rule is switched off.")


def waivers(report: dict[str, Any]) -> Table:
    return Table("waivers", "Waivers", (
        "waiver", "rule", "subject", "approver", "expires", "status", "reason", "used for"), [
        (w["name"], w["rule"], w["subject"], w["approver"], w["expires"], w["status"],
         w["reason"], joined(w.get("matched", []))) for w in report["waivers"]],
        "No waivers.", status_column=5)


def regulations(report: dict[str, Any]) -> Table:
    return Table("regulations", "Regulations", (
        "regulation", "in force for every model", "models"), [
        (r["name"], r["in_force_for_all"], joined(names(r["models"])))
        for r in report["regulations"]], "No regulations.")


def data_contracts(report: dict[str, Any]) -> Table:
    return Table("data-contracts", "Data contracts", (
        "data contract", "version", "owner", "location", "format", "fields", "PII fields",
        "retention", "erasure"), [
        (c["name"], c["version"], c["owner"], c.get("location"), c.get("format"),
         len(c["fields"]), joined(c["pii_fields"]), days(c["retention_s"]), c["erasure"])
        for c in report["data_contracts"]], "No data contracts.")


def feature_sets(report: dict[str, Any]) -> Table:
    return Table("feature-sets", "Feature sets", (
        "feature set", "version", "owner", "source", "features", "PII", "served",
        "produced by", "models"), [
        (f["name"], f["version"], f["owner"], name(f["source"]), len(f["features"]),
         joined(f["pii_features"]),
         joined(w for w, on in (("online", f["online"]), ("offline", f["offline"])) if on),
         joined(names(f["produced_by"])), joined(names(f["models"])))
        for f in report.get("feature_sets", [])], "No feature sets.")


def slos(report: dict[str, Any]) -> Table:
    return Table("slos", "Service level objectives", (
        "SLO", "deployment", "SLI", "objective", "window", "alert tiers", "runbook"), [
        (s["name"], name(s["deployment"]), s["sli"], f"{s['objective']:g} %",
         days(s["period_s"]), joined(s["alert_tiers"]), s.get("runbook"))
        for s in report["slos"]], "No SLOs.")


def rollouts(report: dict[str, Any]) -> Table:
    return Table("rollouts", "Deployments and rollouts", (
        "deployment", "model", "version", "environment", "mode", "strategy", "details",
        "rollback on", "SLOs"), [
        (d["name"], name(d["model"]), d["version"], d["environment"], d["mode"],
         d["strategy"], rollout_details(d), joined(d.get("rollback", [])),
         joined(names(d["slos"]))) for d in report["deployments"]], "No deployments.")


def monitors(rows: list[dict[str, Any]]) -> Table:
    """Monitors as :func:`mlopsc.governance.html.monitor_rows` lists them."""
    return Table("monitors", "Monitors", (
        "monitor", "type", "watches", "features (method, threshold)", "metric", "window",
        "severity", "routed to", "runbook"), [
        (m["name"], m["type"], joined(names(m["subjects"])),
         joined(f"{f['name']} ({f['method']}, {plain(f['threshold'])})" for f in m["features"]),
         f"{m['metric']} {plain(m['threshold'])}" if m["metric"] else None,
         days(m["window_s"]), m["severity"], m["routed_to"], m["runbook"]) for m in rows],
        "No monitors.")


TABLES: tuple[Callable[[dict[str, Any]], Table], ...] = (
    models, risk_tiers, approvals, training, metrics, policies, disabled_rules, waivers,
    regulations, data_contracts, feature_sets)
"""Report sections in page order; monitors, SLOs and rollouts follow (see the page)."""
LATE_TABLES: tuple[Callable[[dict[str, Any]], Table], ...] = (slos, rollouts)


def meets(x: dict[str, Any]) -> bool | None:
    """Whether a metric meets its threshold (``None`` when either is unknown)."""
    if x["value"] is None or x["threshold"] is None:
        return None
    return bool(x["value"] >= x["threshold"] if x["higher_is_better"]
                else x["value"] <= x["threshold"])


def _required(m: dict[str, Any]) -> str:
    if m["approvals_required"] is None:
        return "unknown (tier not defined; policies not evaluated)"
    roles = joined(m["approver_roles_required"])
    return f"{m['approvals_required']}" + (f" incl. one of {roles}" if roles else "")


def joined(values: Iterable[object]) -> str:
    """Values joined with ", " (empty and ``None`` values left out)."""
    return ", ".join(str(v) for v in values if v is not None and v != "")


def plain(value: object) -> str:
    """A value as a reader expects it: ``yes``/``no``, ``0.9``, ``3`` (not ``3.0``), ``—``."""
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def days(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return f"{seconds / 86400:g} d" if seconds >= 86400 else f"{seconds / 3600:g} h"


def name(node_id: str) -> str:
    return node_id.partition(":")[2] or node_id


def names(ids: Iterable[str]) -> list[str]:
    return [name(i) for i in ids]
