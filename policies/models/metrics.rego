package mlopsc.models.metrics

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Production models meet their promotion thresholds
# description: >-
#   A model in production declares a promotion threshold on at least one metric and the
#   baseline it must beat, reports the value of every metric with a threshold, and each
#   value meets its threshold in the metric's direction (`higher_is_better`, true by
#   default: at least the threshold; false, e.g. for latency or error rates: at most).
#   Promotion is a decision against numbers, not a feeling.
# custom:
#   code: MDL-010
#   severity: error
#   applies_to: [models]
#   hint: "e.g. `metrics: {auc: {value: 0.9, threshold: 0.85, baseline: 0.8}}` (a metric where lower is better says `higher_is_better: false`); a version that misses its threshold is not promoted"
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

deny contains f if {
	some m in lib.models
	m.stage == "production"
	some x in m.metrics
	x.threshold != null
	not is_number(x.value)
	f := lib.finding("MDL-010", sprintf("production model %q declares a promotion threshold on %s but no value", [m.name, x.name]),
		["models", m.name, "metrics", x.name])
}

deny contains f if {
	some m in lib.models
	m.stage == "production"
	some x in m.metrics
	is_number(x.value)
	is_number(x.threshold)
	some word in _misses(x)
	f := lib.finding("MDL-010", sprintf("production model %q has %s %v, %s its promotion threshold %v",
		[m.name, x.name, x.value, word, x.threshold]), ["models", m.name, "metrics", x.name, "value"])
}

# How a value misses its threshold, in the metric's direction (none when it meets it).
_misses(x) := {"below"} if {
	x.higher_is_better != false
	x.value < x.threshold
} else := {"above"} if {
	x.higher_is_better == false
	x.value > x.threshold
} else := set()
