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
	some m in lib.models # stages as judged: raised to where the model serves
	m.stage == "production" # lib.production_model, inline
	count([h | some h in m.history; h.stage == "staging"; h.version == m.version]) == 0
	f := lib.finding("MDL-004", sprintf("model %q version %s is in production but its history shows no staging stage for it", [m.name, m.version]),
		sprintf("%s.history", [m.path]))
}

# METADATA
# title: What production serves is at registry stage production
# description: >-
#   A deployment in a production-tier environment that answers users (any strategy but
#   shadow) serves a model version the registry has at stage `production`: the model's own
#   version at `stage: production`, or another version whose history shows production. The
#   registry stage is a promotion gate, not a label that switches release rules off.
# custom:
#   code: MDL-011
#   severity: error
#   applies_to: [deployments]
#   hint: "promote the version first (`stage: production` with the approvals its tier requires), or serve it from a staging or development environment"
deny contains f if {
	some d in input.deployments
	d.environment_tier == "production"
	d.rollout.strategy != "shadow"
	m := input.models[d.model_name]
	not _in_production(m, d.version)
	f := lib.finding("MDL-011", sprintf("deployment %q serves model %q version %s in production, but the registry has it at stage %s",
		[d.name, m.name, d.version, _registry_stage(m, d.version)]), sprintf("%s.model", [d.path]))
}

_in_production(m, version) if {
	m.version == version
	m.stage == "production"
}

_in_production(m, version) if {
	m.version != version
	some h in m.history
	h.version == version
	h.stage == "production"
}

_registry_stage(m, version) := m.stage if m.version == version

_registry_stage(m, version) := "none (not the model's version, and no production record in its history)" if m.version != version
