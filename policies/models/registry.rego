package mlopsc.models.registry

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Production versions went through staging
# description: >-
#   A model version in production was in staging before, as the declared registry history
#   shows.
# custom:
#   code: MDL-004
#   severity: error
#   applies_to: [models]
#   hint: "add `history: [{stage: staging, version: ..., date: ...}]`"
deny contains f if {
	some m in input.models
	m.stage == "production" # lib.production_model, inline
	count([h | some h in m.history; h.stage == "staging"; h.version == m.version]) == 0
	f := lib.finding("MDL-004", sprintf("model %q version %s is in production but its history shows no staging stage for it", [m.name, m.version]),
		sprintf("%s.history", [m.path]))
}
