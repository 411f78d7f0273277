"""A card as Markdown with Hugging Face YAML front matter.

The front matter is made by a YAML dumper (never by joining strings) and every value in the
body goes through :mod:`mlopsc.governance.markdown`, so no spec string adds markup. The body
reads the toolkit card (``toolkit``, absent facts left out) and the mlopsc file (``extra``).
"""

from __future__ import annotations

from typing import Any

import yaml

from mlopsc.governance import markdown as md
from mlopsc.targets.model_card import hub

NOT_PROVIDED = "*Not provided in the spec.*"


def front_matter(extra: dict[str, Any], header: str) -> str:
    """The ``---`` block: Hugging Face metadata keys, then mlopsc's own under ``mlopsc``.

    ``library_name`` and ``pipeline_tag`` are Hub ids or left out; the training data
    contracts are not Hub datasets, so they go under ``mlopsc``, never under ``datasets``.
    """
    own = {"model": extra["name"], "version": extra["version"], "stage": extra["stage"],
           "risk_tier": extra["risk_tier"], "framework": extra["framework"],
           "task": extra["task"], "regulations": extra["regulations"],
           "training_data": [d["name"] for d in extra["training_data"]]}
    data: dict[str, Any] = {
        "library_name": hub.library_name(extra["framework"]),
        "pipeline_tag": hub.pipeline_tag(extra["task"]),
        "tags": sorted({"mlopsc", *extra["tags"]}),
        "metrics": [x["type"] for x in extra["metrics"]],
        "mlopsc": _present(own),
    }
    body = yaml.safe_dump(_present(data), sort_keys=True, allow_unicode=True,
                          default_flow_style=False, width=100)
    # One line by construction: generated_notice escapes line breaks in the spec's file name.
    return f"---\n# {header}\n{body}---\n"


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the keys that have nothing to say (``None`` or empty)."""
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def render_card(toolkit: dict[str, Any], extra: dict[str, Any], header: str) -> str:
    """The whole Markdown card."""
    details = toolkit["model_details"]
    considerations = toolkit.get("considerations", {})
    sections = [
        f"# Model card: {md.inline(details['name'])}",
        md.text(details["overview"]) if details.get("overview") else NOT_PROVIDED,
        "## Model details\n\n" + _details(details, extra),
        "## Intended use\n\n" + _described(considerations.get("use_cases", [])),
        "## Out-of-scope use\n\n" + (md.text(extra["out_of_scope_use"])
                                      if extra["out_of_scope_use"] else NOT_PROVIDED),
        "## Training data\n\n" + _training(extra),
        "## Inputs\n\n" + _inputs(toolkit.get("model_parameters", {})),
        "## Quantitative analysis\n\n" + _metrics(extra["metrics"]),
        "## Fairness\n\n" + _fairness(extra["fairness"]),
        "## Limitations\n\n" + _described(considerations.get("limitations", [])),
        "## Ethical considerations\n\n" + _ethics(considerations),
        "## Explainability and human oversight\n\n" + _oversight(extra),
        "## Governance\n\n" + _governance(extra),
        "## Deployments and SLOs\n\n" + _deployments(extra["deployments"]),
        "## Lineage\n\n" + _lineage(extra["lineage"]),
        *_requirements(extra),
    ]
    return front_matter(extra, header) + "\n" + "\n\n".join(sections) + "\n"


def _details(d: dict[str, Any], extra: dict[str, Any]) -> str:
    version = d.get("version", {})
    return md.table(["field", "value"], [
        ["version", version.get("name")], ["version date", version.get("date")],
        ["owner", md.joined(o["name"] for o in d.get("owners", []))],
        ["framework", extra["framework"]], ["task", extra["task"]],
        ["stage", extra["stage"]], ["artifact", d.get("path")],
        ["risk tier", extra["risk_tier"]], ["risk assessment", extra["risk_assessment"]],
        ["maintenance", extra["maintenance"]],
    ])


def _described(items: list[dict[str, str]]) -> str:
    return "\n\n".join(md.text(i["description"]) for i in items) or NOT_PROVIDED


def _training(extra: dict[str, Any]) -> str:
    train, t = extra["training_data"], extra["training"]
    table = md.table(
        ["data contract", "trained on version", "contract version", "owner", "PII fields",
         "location"],
        [[d["name"], d["trained_on_version"], d["contract_version"], d["owner"],
          md.joined(d["pii_fields"], "none"), d["location"]] for d in train],
    ) if train else NOT_PROVIDED
    facts = md.table(["training", "value"], [
        ["pipeline", t["pipeline"]],
        ["feature sets", md.joined(t["feature_sets"], "none")],
        ["code version", t["code_version"]],
        ["image", t["image"]], ["retrained continuously", t["continuous"]]])
    return table + "\n\n" + facts


def _inputs(params: dict[str, Any]) -> str:
    if not params.get("input_format_map"):
        return NOT_PROVIDED
    intro = md.text(params["input_format"]) + "\n\n" if params.get("input_format") else ""
    return intro + md.table(["feature", "type"],
                            [[f["key"], f["value"]] for f in params["input_format_map"]])


def _number(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _metrics(metrics: list[dict[str, Any]]) -> str:
    rows = [[x["type"], _number(x["value"]), _number(x["threshold"]), _number(x["baseline"]),
             "higher" if x["higher_is_better"] else "lower", x["meets_threshold"]]
            for x in metrics]
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
    for e in c.get("ethical_considerations", []):
        parts.append(md.text(e["name"]))
        if e.get("mitigation_strategy"):
            parts.append("Fairness assessment: " + md.text(e["mitigation_strategy"]))
    for t in c.get("tradeoffs", []):
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


def _requirements(extra: dict[str, Any]) -> list[str]:
    """"Missing sections" (each with the waiver that covers it) and "Unmet requirements"
    (every rule failing or waived on the model, its training pipeline or its deployments,
    with its waiver)."""
    known = {w["name"]: w for w in extra["waivers"]}
    evaluated = extra["policy_evaluated"]
    missing = md.table(["section", "spec path", "waived by"], [
        [s["section"], s["spec_path"],
         "; ".join(_waiver(known[n]) for n in s["waivers"]) if s["waivers"]
         else ("no waiver" if evaluated else "unknown: the policy gate did not run")]
        for s in extra["missing_sections"]]) if extra["missing_sections"] else "None."
    if not evaluated:
        unmet = "Unknown: the policy gate did not run."
    elif not extra["unmet_requirements"]:
        unmet = ("None: every policy rule passes on this model, its training pipeline and "
                 "its deployments.")
    else:
        unmet = md.table(["rule", "subject", "status", "finding", "waived by"], [
            [r["rule"], r["subject"],
             r["status"] + (f" ({r['severity']})" if r["severity"] else ""),
             "; ".join(r["findings"]),
             _waiver(known[r["waiver"]]) if r["waiver"] in known
             else r["waiver"] or "not waived"]
            for r in extra["unmet_requirements"]])
    return ["## Missing sections\n\n" + missing, "## Unmet requirements\n\n" + unmet]


def _waiver(w: dict[str, Any]) -> str:
    return (f"waiver {w['name']} ({w['rule']} on {w['subject']}, approved by {w['approver']}, "
            f"expires {w['expires']})")
