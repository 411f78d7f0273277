"""A card as Markdown with Hugging Face-style YAML front matter.

The front matter is made by a YAML dumper (never by joining strings) and every value in the
body goes through :mod:`mlopsc.governance.markdown`, so no spec string adds markup.
"""

from __future__ import annotations

from typing import Any

import yaml

from mlopsc.governance import markdown as md

NOT_PROVIDED = "*Not provided in the spec.*"


def front_matter(card: dict[str, Any], header: str) -> str:
    """The ``---`` block: Hugging Face metadata keys, then mlopsc's own under ``mlopsc``."""
    details, extra = card["model_details"], card["mlopsc"]
    train = card["model_parameters"]["data"]
    data: dict[str, Any] = {
        "library_name": details["framework"],
        "tags": sorted({"mlopsc", *details["tags"]}),
        "datasets": [d["name"] for d in train],
        "metrics": [x["type"] for x in card["quantitative_analysis"]["performance_metrics"]],
        "mlopsc": {"model": details["name"], "version": details["version"]["name"],
                   "stage": details["stage"], "risk_tier": extra["risk_tier"],
                   "regulations": extra["regulations"]},
    }
    data = {k: v for k, v in data.items() if v not in (None, [])}
    body = yaml.safe_dump(data, sort_keys=True, allow_unicode=True, default_flow_style=False,
                          width=100)
    # One line by construction: generated_notice escapes line breaks in the spec's file name.
    return f"---\n# {header}\n{body}---\n"


def render_card(card: dict[str, Any], header: str) -> str:
    """The whole Markdown card."""
    details = card["model_details"]
    sections = [
        f"# Model card: {md.inline(details['name'])}",
        md.text(details["overview"]) if details["overview"] else NOT_PROVIDED,
        "## Model details\n\n" + _details(card),
        "## Intended use\n\n" + _described(card["considerations"]["use_cases"]),
        "## Out-of-scope use\n\n" + _described(card["considerations"]["out_of_scope_uses"]),
        "## Training data\n\n" + _training(card),
        "## Inputs\n\n" + _inputs(card["model_parameters"]),
        "## Quantitative analysis\n\n" + _metrics(card["quantitative_analysis"]),
        "## Fairness\n\n" + _fairness(card["mlopsc"]["fairness"]),
        "## Limitations\n\n" + _described(card["considerations"]["limitations"]),
        "## Ethical considerations\n\n" + _ethics(card["considerations"]),
        "## Explainability and human oversight\n\n" + _oversight(card["mlopsc"]),
        "## Governance\n\n" + _governance(card["mlopsc"]),
        "## Deployments and SLOs\n\n" + _deployments(card["mlopsc"]["deployments"]),
        "## Lineage\n\n" + _lineage(card["mlopsc"]["lineage"]),
        "## Missing sections\n\n" + (md.bullets(card["mlopsc"]["missing_sections"])
                                     if card["mlopsc"]["missing_sections"] else "None."),
    ]
    return front_matter(card, header) + "\n" + "\n\n".join(sections) + "\n"


def _details(card: dict[str, Any]) -> str:
    d, extra = card["model_details"], card["mlopsc"]
    return md.table(["field", "value"], [
        ["version", d["version"]["name"]], ["version date", d["version"]["date"]],
        ["owner", md.joined(o["name"] for o in d["owners"])], ["framework", d["framework"]],
        ["task", d["task"]], ["stage", d["stage"]], ["artifact", d["path"]],
        ["risk tier", extra["risk_tier"]],
        ["risk assessment", md.joined(r["reference"] for r in d["references"])],
        ["maintenance", card["considerations"]["maintenance"]],
    ])


def _described(items: list[dict[str, str]]) -> str:
    return "\n\n".join(md.text(i["description"]) for i in items) or NOT_PROVIDED


def _training(card: dict[str, Any]) -> str:
    train, t = card["model_parameters"]["data"], card["mlopsc"]["training"]
    table = md.table(
        ["data contract", "trained on version", "contract version", "owner", "PII fields",
         "location"],
        [[d["name"], d["trained_on_version"], d["contract_version"], d["owner"],
          md.joined(d["sensitive"]["sensitive_data"], "none"), d["link"]] for d in train],
    ) if train else NOT_PROVIDED
    facts = md.table(["training", "value"], [
        ["pipeline", t["pipeline"]],
        ["feature sets", md.joined(t["feature_sets"], "none")],
        ["code version", t["code_version"]],
        ["image", t["image"]], ["retrained continuously", t["continuous"]]])
    return table + "\n\n" + facts


def _inputs(params: dict[str, Any]) -> str:
    if not params["input_format_map"]:
        return NOT_PROVIDED
    intro = md.text(params["input_format"]) + "\n\n" if params["input_format"] else ""
    return intro + md.table(["feature", "type"],
                            [[f["key"], f["value"]] for f in params["input_format_map"]])


def _metrics(qa: dict[str, Any]) -> str:
    rows = [[x["type"], x["value"], x["threshold"], x["baseline"],
             "higher" if x["higher_is_better"] else "lower", x["meets_threshold"]]
            for x in qa["performance_metrics"]]
    if not rows:
        return NOT_PROVIDED
    return md.table(["metric", "value", "threshold", "baseline", "better", "meets threshold"],
                    rows)


def _fairness(f: dict[str, Any] | None) -> str:
    if f is None:
        return NOT_PROVIDED
    attributes = md.inline(md.joined(f["protected_attributes"], "none"))
    tested = md.inline(f["disparate_impact_tested"])
    parts = [f"Protected attributes: {attributes}. Disparate impact tested: {tested}."]
    if f["metrics"]:
        parts.append(md.table(
            ["metric", "value", "threshold", "within threshold"],
            [[x["name"], x["value"], x["threshold"], x["within_threshold"]]
             for x in f["metrics"]]))
    if f["assessment"]:
        parts.append(md.text(f["assessment"]))
    return "\n\n".join(parts)


def _ethics(c: dict[str, Any]) -> str:
    parts = []
    for e in c["ethical_considerations"]:
        parts.append(md.text(e["name"]))
        if e["mitigation_strategy"]:
            parts.append("Fairness assessment: " + md.text(e["mitigation_strategy"]))
    for t in c["tradeoffs"]:
        parts.append("Caveats: " + md.text(t["description"]))
    return "\n\n".join(parts) or NOT_PROVIDED


def _oversight(extra: dict[str, Any]) -> str:
    e, h = extra["explainability"], extra["human_oversight"]
    rows = []
    if e:
        rows.append(["explainability", f"{e['method']}"
                     + (", per decision" if e["per_decision"] else ", global only")])
    if h:
        rows.append(["human oversight", h["description"]])
        rows.append(["reviewers", md.joined(h["reviewers"], "none")])
    return md.table(["aspect", "value"], rows) if rows else NOT_PROVIDED


def _governance(extra: dict[str, Any]) -> str:
    req = extra["tier_requirements"]
    needs = ("unknown: the spec's governance.risk_tiers does not define this tier, and no "
             "policy run said what it requires")
    if req:
        wanted = [name.replace("_", " ") for name in ("model_card", "fairness_review",
                                                      "human_oversight", "explainability",
                                                      "shadow_before_rollout") if req[name]]
        roles = md.joined(req["approver_roles"])
        needs = (f"{req['approvals']} approval(s)" + (f" incl. one of {roles}" if roles else "")
                 + ("; " + ", ".join(wanted) if wanted else ""))
    parts = [md.table(["governance", "value"], [
        ["risk tier", extra["risk_tier"]], ["the tier requires", needs],
        ["regulations", md.joined(extra["regulations"], "none")]])]
    approvals = [[a["by"], a["role"], a["stage"], a["date"]] for a in extra["approvals"]]
    parts.append(md.table(["approved by", "role", "stage", "date"], approvals)
                 if approvals else "No approvals recorded.")
    return "\n\n".join(parts)


def _deployments(deployments: list[dict[str, Any]]) -> str:
    rows = []
    for d in deployments:
        slos = [f"{s['name']} ({s['sli']} {s['objective']:g} % over {s['period_s'] / 86400:g} d)"
                for s in d["slos"]]
        rows.append([d["name"], d["version"], d["environment"], d["mode"],
                     d["rollout_strategy"], md.joined(slos, "none")])
    if not rows:
        return "Not deployed."
    return md.table(["deployment", "version", "environment", "mode", "rollout", "SLOs"], rows)


def _lineage(lineage: dict[str, list[str]]) -> str:
    return ("Upstream (what the model comes from):\n\n" + md.bullets(lineage["upstream"])
            + "\n\nDownstream (what depends on it):\n\n" + md.bullets(lineage["downstream"]))
