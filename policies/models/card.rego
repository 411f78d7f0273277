package mlopsc.models.card

import rego.v1

import data.mlopsc.lib

_release_sections := ["intended_use", "limitations", "ethical_considerations"]

_production_sections := ["fairness_assessment", "maintenance"]

# Released models whose tier asks for a card, found once for every body below (an array of
# the input's own objects: a set of thousands of models costs more to build).
_carded := [m |
	some m in lib.models # stages as judged: raised to where the model serves
	m.stage in {"staging", "production"}
	lib.tier(m).model_card
]

# `lib.blank` decides what is unwritten for every rule (absent, null, or only whitespace);
# its first branch settles a written section with two comparisons.
# METADATA
# title: Released models have a model card
# description: >-
#   A model in staging or production documents its intended use, limitations and ethical
#   considerations, and reports evaluation metrics.
# custom:
#   code: MDL-001
#   severity: error
#   applies_to: [models]
#   hint: "add the section under `card:` (metrics go under `metrics:`)"
deny contains f if {
	sections := _release_sections # once, not once per model
	some m in _carded
	some section in sections
	lib.blank(m.card, section)
	f := lib.finding("MDL-001", sprintf("model %q in %s has no model-card section %q", [m.name, m.stage, section]),
		sprintf("%s.card.%s", [m.path, section]))
}

deny contains f if {
	some m in _carded
	count(m.metrics) == 0
	f := lib.finding("MDL-001", sprintf("model %q in %s reports no metrics in its model card", [m.name, m.stage]),
		sprintf("%s.metrics", [m.path]))
}

# METADATA
# title: Production model cards cover fairness and maintenance
# description: >-
#   A model in production also documents its fairness assessment and how it is maintained
#   (retraining, review cadence).
# custom:
#   code: MDL-002
#   severity: error
#   applies_to: [models]
#   hint: "add `card: {fairness_assessment: ..., maintenance: ...}` (how fairness was assessed; retraining and review cadence)"
deny contains f if {
	sections := _production_sections
	some m in _carded
	m.stage == "production"
	some section in sections
	lib.blank(m.card, section)
	f := lib.finding("MDL-002", sprintf("production model %q has no model-card section %q", [m.name, section]),
		sprintf("%s.card.%s", [m.path, section]))
}
