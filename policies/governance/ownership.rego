package mlopsc.governance.ownership

import rego.v1

import data.mlopsc.lib

_owned := ["datasets", "pipelines", "models", "deployments"]

# METADATA
# title: Every asset has an owner
# description: >-
#   Every model, dataset, pipeline and deployment names the accountable team or person,
#   so that an alert, an audit question or an incident has someone to go to.
# custom:
#   code: GOV-001
#   severity: error
#   applies_to: [datasets, pipelines, models, deployments]
#   hint: "add `owner: team-name` (a team or an email)"
deny contains f if {
	some section in _owned
	some entity in input[section]
	lib.blank(entity, "owner") # one notion of blank for every rule: whitespace is blank
	f := lib.finding("GOV-001", sprintf("%s %q has no owner", [trim_suffix(section, "s"), entity.name]),
		sprintf("%s.owner", [entity.path]))
}
