package mlopsc.models.metrics

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Production models have promotion thresholds and a baseline
# description: >-
#   A model in production declares a promotion threshold on at least one metric and the
#   baseline it must beat, so promotion is a decision against numbers, not a feeling.
# custom:
#   code: MDL-010
#   severity: error
#   applies_to: [models]
#   hint: "e.g. `metrics: {auc: {value: 0.9, threshold: 0.85, baseline: 0.8}}`"
deny contains f if {
	some m in lib.models
	m.stage == "production" # lib.production_model, inline
	count([x | some x in m.metrics; x.threshold != null]) == 0
	f := lib.finding("MDL-010", sprintf("production model %q declares no promotion threshold on any metric", [m.name]),
		sprintf("%s.metrics", [m.path]))
}

deny contains f if {
	some m in lib.models
	m.stage == "production"
	count([x | some x in m.metrics; x.baseline != null]) == 0
	f := lib.finding("MDL-010", sprintf("production model %q declares no baseline for any metric", [m.name]),
		sprintf("%s.metrics", [m.path]))
}
