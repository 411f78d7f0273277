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
