package mlopsc.governance.environments

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Every environment declares its tier
# description: >-
#   An environment says what it is (`tier: production`, `staging` or `development`); the
#   rules for production deployments key on the tier, never on the environment's name. An
#   environment without a tier is judged as production, so nothing is switched off by a
#   missing tier; this warning asks for the tier to be written.
# custom:
#   code: GOV-013
#   severity: warning
#   applies_to: [environments]
#   hint: "add `tier: production` (or `staging`, `development`) to the environment"
warn contains f if {
	some e in input.environments
	e.tier_declared == false
	f := lib.finding("GOV-013", sprintf("environment %q declares no tier; it is judged as production", [e.name]),
		sprintf("%s.tier", [e.path]))
}
