# Thresholds and requirements of the default bundle, and how organisations override them.
#
# Later sources win: the defaults below, then the spec's `governance.data` and
# `governance.risk_tiers`, then organisation data (`--data FILE`, mounted at `data.org`).
package mlopsc.lib.config

import rego.v1

defaults := {
	"production_environments": ["prod", "production"],
	"max_retries": 5,
	"canary_max_first_weight": 10,
	"min_production_replicas": 2,
	"allowed_registries": [],
	"personal_data_regulations": ["gdpr", "ccpa"],
	"credit_regulations": ["ecoa", "fcra"],
	"health_regulations": ["hipaa"],
	"secret_name_markers": ["TOKEN", "PASSWORD", "PASSWD", "SECRET", "API_KEY", "APIKEY", "PRIVATE_KEY", "PRIVATEKEY", "CREDENTIAL"],
}

default_tiers := {
	"minimal": _tier(0, []),
	"low": _tier(1, []),
	"medium": _tier(1, []),
	"high": object.union(_tier(2, ["risk", "compliance"]), {
		"fairness_review": true,
		"human_oversight": true,
		"explainability": true,
		"shadow_before_rollout": true,
	}),
	"unacceptable": _tier(0, []),
}

_tier(approvals, roles) := {
	"approvals": approvals,
	"approver_roles": roles,
	"model_card": true,
	"fairness_review": false,
	"human_oversight": false,
	"explainability": false,
	"shadow_before_rollout": false,
}

# Organisation data, or none. Read by its path: a rule that reads the whole `data` document
# depends on every rule, itself included, and OPA rejects it (rego_recursion_error).
default _org := {}

_org := data.org if is_object(data.org)

_spec_data := object.get(object.get(input, "governance", {}), "data", {})

_spec_tiers := object.get(object.get(input, "governance", {}), "risk_tiers", {})

# The effective configuration.
cfg := object.union(object.union(defaults, _spec_data), object.remove(_org, ["risk_tiers"]))

# The effective requirements of each risk tier.
tiers := object.union(object.union(default_tiers, _spec_tiers), object.get(_org, "risk_tiers", {}))
