"""The governance report as Markdown, for people: one section per kind of fact."""

from __future__ import annotations

from typing import Any

from mlopsc.governance import markdown as md


def render_markdown(report: dict[str, Any], header: str | None = None) -> str:
    """Markdown of a report built by :func:`mlopsc.governance.report.build_report`.

    Every value from the spec is escaped, so the page has exactly the structure below.
    """
    platform = report["platform"]
    parts = [
        *([md.comment(header)] if header else []),
        f"# Governance report: {md.inline(platform['name'])}",
        _facts(report),
        "## Models\n\n" + _models(report["models"]),
        "## Training data\n\n" + _training(report["models"]),
        "## Metrics and fairness\n\n" + _thresholds(report["models"]),
        "## Policies\n\n" + _policies(report["policies"]),
        "## Waivers\n\n" + _waivers(report["waivers"]),
        "## Regulations\n\n" + _regulations(report["regulations"]),
        "## Data contracts\n\n" + _contracts(report["data_contracts"]),
        "## Feature sets\n\n" + _feature_sets(report.get("feature_sets", [])),
        "## Service level objectives\n\n" + _slos(report["slos"]),
        "## Rollouts\n\n" + _rollouts(report["deployments"]),
    ]
    return "\n\n".join(parts) + "\n"


def _facts(report: dict[str, Any]) -> str:
    platform, summary = report["platform"], report["summary"]
    policies = (f"{summary['pass']} passed, {summary['fail']} failed, "
                f"{summary['waived']} waived" if summary["policies_evaluated"]
                else "not evaluated")
    return md.table(["fact", "value"], [
        ["owner", platform["owner"]],
        ["environment", platform["environment"] or "(none: base spec)"],
        ["waivers judged as of", report["as_of"]],
        ["spec SHA-256", platform["spec_hash"]],
        ["models", summary["models"]],
        ["policy results", policies],
        ["waivers", f"{summary['waivers']} ({summary['expired_waivers']} expired)"],
    ])


def _models(models: list[dict[str, Any]]) -> str:
    if not models:
        return "No models."
    return md.table(
        ["model", "version", "stage", "owner", "risk tier", "approvals", "required",
         "regulations"],
        [[m["name"], m["version"], m["stage"], m["owner"], m["risk_tier"],
          md.joined((_approval(a) for a in m["approvals"]), "none"),
          _required(m), md.joined(m["regulations"], "none")] for m in models])


def _training(models: list[dict[str, Any]]) -> str:
    """Per model the data contracts (at the version trained on) and feature sets."""
    rows = [[m["name"],
             md.joined((f"{_name(d['dataset'])} {d['version']}"
                        for d in m.get("training_data", [])), "none"),
             md.joined(m.get("training_feature_sets", []), "none")] for m in models]
    return (md.table(["model", "data contracts (version trained on)", "feature sets"], rows)
            if rows else "No models.")


def _thresholds(models: list[dict[str, Any]]) -> str:
    """Every metric against its threshold, then each model's fairness review."""
    rows, reviews = [], []
    for m in models:
        rows += [[m["name"], x["name"], "performance", x["value"], x["threshold"],
                  x["baseline"], _meets(x)] for x in m.get("metrics", [])]
        f = m.get("fairness")
        if f:
            rows += [[m["name"], x["name"], "fairness", x["value"], x["threshold"], None,
                      _meets(x)] for x in f["metrics"]]
            reviews.append([m["name"], md.joined(f["protected_attributes"], "none"),
                            f["disparate_impact_tested"]])
    parts = [md.table(["model", "metric", "kind", "value", "threshold", "baseline",
                       "meets threshold"], rows) if rows else "No metrics."]
    if reviews:
        parts.append(md.table(["model", "protected attributes", "disparate impact tested"],
                              reviews))
    return "\n\n".join(parts)


def _meets(x: dict[str, Any]) -> bool | None:
    if x["value"] is None or x["threshold"] is None:
        return None
    meets: bool = (x["value"] >= x["threshold"] if x["higher_is_better"]
                   else x["value"] <= x["threshold"])
    return meets


def _approval(a: dict[str, Any]) -> str:
    stage = f", {a['stage']}" if a["stage"] else ""
    return f"{a['by']} ({a['role']}{stage}, {a['date']})"


def _required(m: dict[str, Any]) -> str:
    if m["approvals_required"] is None:
        return "unknown (tier not defined; policies not evaluated)"
    roles = md.joined(m["approver_roles_required"])
    return f"{m['approvals_required']}" + (f" incl. one of {roles}" if roles else "")


def _policies(policies: dict[str, Any]) -> str:
    blocks = []
    if not policies["evaluated"]:
        blocks.append("Policies were not evaluated: this report holds no pass or fail results.")
    elif not policies["results"]:
        blocks.append("Policies were evaluated; no rule applied to any subject.")
    else:
        blocks.append(f"Engine: {md.inline(policies['engine'])}; bundles: "
                      f"{md.inline(md.joined(policies['bundles'], 'none'))}.")
        titles = {r["code"]: r["title"] for r in policies["rules"]}
        blocks.append(md.table(
            ["rule", "title", "subject", "status", "waiver", "findings"],
            [[r["rule"], titles.get(r["rule"]), r["subject"], r["status"], r["waiver"],
              md.joined(r["messages"])] for r in policies["results"]]))
    if policies["disabled"]:
        blocks.append("Rules switched off for every subject:\n\n" + md.table(
            ["rule", "approver", "reason"],
            [[d["rule"], d["approver"], d["reason"]] for d in policies["disabled"]]))
    return "\n\n".join(blocks)


def _waivers(waivers: list[dict[str, Any]]) -> str:
    if not waivers:
        return "No waivers."
    return md.table(
        ["waiver", "rule", "subject", "approver", "expires", "status", "reason"],
        [[w["name"], w["rule"], w["subject"], w["approver"], w["expires"], w["status"],
          w["reason"]] for w in waivers])


def _regulations(regulations: list[dict[str, Any]]) -> str:
    if not regulations:
        return "No regulations."
    return md.table(
        ["regulation", "in force for every model", "models"],
        [[r["name"], r["in_force_for_all"], md.joined(_names(r["models"]), "none")]
         for r in regulations])


def _contracts(contracts: list[dict[str, Any]]) -> str:
    if not contracts:
        return "No data contracts."
    return md.table(
        ["data contract", "version", "owner", "fields", "PII fields", "retention", "erasure"],
        [[c["name"], c["version"], c["owner"], len(c["fields"]),
          md.joined(c["pii_fields"], "none"), _days(c["retention_s"]), c["erasure"]]
         for c in contracts])


def _feature_sets(feature_sets: list[dict[str, Any]]) -> str:
    if not feature_sets:
        return "No feature sets."
    return md.table(
        ["feature set", "version", "owner", "source", "features", "PII", "served",
         "produced by", "models"],
        [[f["name"], f["version"], f["owner"], _name(f["source"]), len(f["features"]),
          md.joined(f["pii_features"], "none"),
          md.joined([w for w, on in (("online", f["online"]), ("offline", f["offline"])) if on],
                    "no"),
          md.joined(_names(f["produced_by"]), "none"), md.joined(_names(f["models"]), "none")]
         for f in feature_sets])


def _slos(slos: list[dict[str, Any]]) -> str:
    if not slos:
        return "No SLOs."
    return md.table(
        ["SLO", "deployment", "SLI", "objective", "window", "alert tiers"],
        [[s["name"], _name(s["deployment"]), s["sli"], f"{s['objective']:g} %",
          _days(s["period_s"]), md.joined(s["alert_tiers"], "none")] for s in slos])


def _rollouts(deployments: list[dict[str, Any]]) -> str:
    if not deployments:
        return "No deployments."
    return md.table(
        ["deployment", "model", "version", "environment", "mode", "strategy", "details", "SLOs"],
        [[d["name"], _name(d["model"]), d["version"], d["environment"], d["mode"],
          d["strategy"], rollout_details(d), md.joined(_names(d["slos"]), "none")]
         for d in deployments])


def rollout_details(d: dict[str, Any]) -> str:
    """A rollout in a few words: ``steps 5/20/100 %``, ``mirror 25 %``, ``candidate 10 %``."""
    words = []
    if d["steps"]:
        words.append("steps " + "/".join(str(s["weight"]) for s in d["steps"]) + " %")
    if d["mirror_percent"] is not None:
        words.append(f"mirror {d['mirror_percent']:g} %")
    if d["candidate_weight"] is not None:
        words.append(f"candidate {d['candidate_weight']} %")
    if d["stable_version"]:
        words.append(f"stable {d['stable_version']}")
    if d["analysis_slos"]:
        words.append("analysis on " + ", ".join(_names(d["analysis_slos"])))
    return "; ".join(words)


def _days(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    days = seconds / 86400
    return f"{days:g} d" if days >= 1 else f"{seconds / 3600:g} h"


def _name(node_id: str) -> str:
    return node_id.partition(":")[2] or node_id


def _names(ids: list[str]) -> list[str]:
    return [_name(i) for i in ids]
