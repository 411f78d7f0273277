package mlopsc.governance.overrides

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# Numbers a spec may only tighten: "max" keys may not rise, "min" keys may not fall.
_ceilings := {"max_retries", "canary_max_first_weight"}

_floors := {"min_production_replicas"}

# Lists a spec may only extend.
_lists := {"personal_data_regulations", "credit_regulations",
	"health_regulations", "secret_name_markers"}

# METADATA
# title: The spec does not loosen the default thresholds
# description: >-
#   `governance.data` and `governance.risk_tiers` in a spec may tighten the default bundle's
#   thresholds and tier requirements; loosening one is reported, so that no rule is switched
#   off silently. (Organisation data given with `--data` is not judged.)
# custom:
#   code: GOV-012
#   severity: warning
#   applies_to: [governance]
#   hint: "remove the loosened value from `governance.data` or `governance.risk_tiers` (an organisation-wide change belongs in `--data`), or waive GOV-012 with a reason"
warn contains f if {
	some key, value in input.governance.data
	_loosens(key, value)
	f := lib.finding("GOV-012", sprintf("governance.data.%s loosens the default policy threshold (%v instead of %v)",
		[key, value, config.defaults[key]]), sprintf("governance.data.%s", [key]))
}

warn contains f if {
	some tier, req in input.governance.risk_tiers
	base := config.default_tiers[tier]
	some key in _weaker_requirements(req, base)
	f := lib.finding("GOV-012", sprintf("risk tier %q asks less than the default (%s: %v instead of %v)",
		[tier, key, req[key], base[key]]), sprintf("governance.risk_tiers.%s.%s", [tier, key]))
}

_loosens(key, value) if {
	key in _ceilings
	value > config.defaults[key]
}

_loosens(key, value) if {
	key in _floors
	value < config.defaults[key]
}

_loosens(key, value) if {
	key in _lists
	some item in config.defaults[key]
	not item in value
}

_weaker_requirements(req, base) := {key |
	some key, wanted in base
	_weaker(key, object.get(req, key, wanted), wanted)
}

_weaker("approvals", have, wanted) if have < wanted

_weaker("approver_roles", have, wanted) if {
	some role in wanted
	not role in have
}

_weaker(_, have, wanted) if {
	is_boolean(wanted)
	wanted == true
	have == false
}
