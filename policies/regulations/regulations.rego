package mlopsc.regulations.regulations

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

_under(m, key) if {
	some r in m.regulations
	lower(r) in config.cfg[key]
}

# METADATA
# title: Personal training data has retention and erasure (GDPR, CCPA)
# description: >-
#   When a model falls under a personal-data regulation (by default gdpr, ccpa), each of its
#   training datasets that holds personal data declares a retention period and supports
#   erasure of one person's records.
# custom:
#   code: REG-001
#   severity: error
#   applies_to: [datasets]
#   hint: "add `retention: {period: 730d, erasure: true}` to the dataset"
deny contains f if {
	some m in input.models
	_under(m, "personal_data_regulations")
	some ds in lib.training_datasets(m)
	ds.personal_data
	some gap in _retention_gaps(ds)
	f := lib.finding("REG-001", sprintf("dataset %q holds personal data that model %q (%s) trains on, but %s",
		[ds.name, m.name, concat(", ", m.regulations), gap]), sprintf("%s.retention", [ds.path]))
}

_retention_gaps(ds) := {g |
	some g, missing in {
		"declares no retention period": object.get(ds, "retention_s", null) == null,
		"does not support erasure": object.get(ds, "erasure", false) != true,
	}
	missing
}

# METADATA
# title: Credit decisions are tested for disparate impact (ECOA, FCRA)
# description: >-
#   A model under a credit regulation (by default ecoa, fcra) has a disparate-impact test
#   as part of its fairness validation.
# custom:
#   code: REG-002
#   severity: error
#   applies_to: [models]
#   hint: "add `fairness: {disparate_impact_tested: true}` once validation includes a disparate-impact test"
deny contains f if {
	some m in input.models
	_under(m, "credit_regulations")
	not m.fairness.disparate_impact_tested
	f := lib.finding("REG-002", sprintf("model %q (%s) declares no disparate-impact test", [m.name, concat(", ", m.regulations)]),
		sprintf("%s.fairness", [m.path]))
}

# METADATA
# title: Credit decisions are explainable one by one (ECOA, FCRA)
# description: >-
#   A model under a credit regulation explains every decision (adverse-action notices need
#   the principal reasons for each decision).
# custom:
#   code: REG-003
#   severity: error
#   applies_to: [models]
#   hint: "add `explainability: {method: reason-codes, per_decision: true}`"
deny contains f if {
	some m in input.models
	_under(m, "credit_regulations")
	not m.explainability.per_decision
	f := lib.finding("REG-003", sprintf("model %q (%s) does not explain each decision (explainability.per_decision)", [m.name, concat(", ", m.regulations)]),
		sprintf("%s.explainability", [m.path]))
}

# METADATA
# title: Health data is de-identified (HIPAA)
# description: >-
#   A model under a health regulation (by default hipaa) trains only on datasets that hold no
#   personal data or are declared de-identified.
# custom:
#   code: REG-004
#   severity: error
#   applies_to: [datasets]
#   hint: "de-identify the data and declare it: `deidentified: true` on the dataset"
deny contains f if {
	some m in input.models
	_under(m, "health_regulations")
	some ds in lib.training_datasets(m)
	ds.personal_data
	not ds.deidentified
	f := lib.finding("REG-004", sprintf("dataset %q holds personal data that model %q (%s) trains on, but it is not de-identified",
		[ds.name, m.name, concat(", ", m.regulations)]), sprintf("%s.deidentified", [ds.path]))
}

# METADATA
# title: High-risk AI systems reference a risk assessment (EU AI Act)
# description: A high-risk model under the EU AI Act references its risk assessment.
# custom:
#   code: REG-005
#   severity: error
#   applies_to: [models]
#   hint: "add `risk_assessment: ...` (the URI or document id of the model's risk assessment)"
deny contains f if {
	some m in input.models
	"eu-ai-act" in m.regulations
	m.risk_tier == "high"
	lib.blank(m, "risk_assessment")
	f := lib.finding("REG-005", sprintf("high-risk model %q falls under the EU AI Act but references no risk assessment", [m.name]),
		sprintf("%s.risk_assessment", [m.path]))
}

# What the EU AI Act asks of a high-risk system beyond its risk assessment (REG-005), each
# stated where the spec can show it: the article, and the gap.
_ai_act_gaps(m) := {g |
	some [gap, article] in [
		["describes no human oversight", "Art. 14"],
		["declares no accuracy metric with a threshold", "Art. 15"],
		["states no intended use in its model card", "Art. 13"],
		["states no limitations in its model card", "Art. 13"],
		["is served in production with no performance monitor", "Art. 72"],
		["is served in production without a prediction log kept at least 183 days", "Art. 12, 19"],
	]
	_ai_act_gap(m, gap)
	g := sprintf("%s (%s)", [gap, article])
}

_ai_act_gap(m, "describes no human oversight") if lib.blank(m, "human_oversight")

_ai_act_gap(m, "declares no accuracy metric with a threshold") if {
	not _measured(m)
}

_ai_act_gap(m, "states no intended use in its model card") if lib.blank(m.card, "intended_use")

_ai_act_gap(m, "states no limitations in its model card") if lib.blank(m.card, "limitations")

_ai_act_gap(m, "is served in production with no performance monitor") if {
	lib.production_model(m)
	not _performance_watched(m)
}

_ai_act_gap(m, "is served in production without a prediction log kept at least 183 days") if {
	some d in input.deployments
	d.model == m.id
	d.environment_tier == "production"
	not _logged(d)
}

_logged(d) if {
	d.prediction_log.retention_s >= 183 * 86400
	not lib.blank(d.prediction_log, "location")
}

_measured(m) if {
	some metric in m.metrics
	is_number(metric.threshold)
}

_performance_watched(m) if {
	some mon in input.monitors
	mon.type in {"performance", "concept_drift"}
	_about(mon, m)
}

_about(mon, m) if mon.model == m.id

_about(mon, m) if {
	some d in input.deployments
	d.id == mon.deployment
	d.model == m.id
}

# METADATA
# title: High-risk AI systems meet the EU AI Act's obligations the spec can show
# description: >-
#   A high-risk model under the EU AI Act describes its human oversight (Art. 14), declares
#   an accuracy metric with a threshold (Art. 15), states its intended use and limitations
#   (Art. 13), and, once served in production, is watched by a performance monitor
#   (post-market monitoring, Art. 72) and records its predictions for at least six months
#   (`prediction_log`, Art. 12 and 19). The risk assessment is REG-005.
# custom:
#   code: REG-006
#   severity: error
#   applies_to: [models]
#   hint: "add what the message names: `human_oversight`, a metric with `threshold`, `card.intended_use` / `card.limitations`, a `type: performance` monitor on its deployment, or `prediction_log: {location: ..., retention: 183d}` on its production deployments"
deny contains f if {
	some m in input.models
	"eu-ai-act" in m.regulations
	m.risk_tier == "high"
	some gap in _ai_act_gaps(m)
	f := lib.finding("REG-006", sprintf("high-risk model %q falls under the EU AI Act and %s", [m.name, gap]), m.path)
}
