package mlopsc.governance.risk

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# METADATA
# title: Every model declares a risk tier
# description: >-
#   The risk tier (minimal, low, medium, high, unacceptable) decides which approvals and
#   safeguards a model needs before release.
# custom:
#   code: GOV-002
#   severity: error
#   applies_to: [models]
#   hint: "add `risk_tier: minimal|low|medium|high`"
deny contains f if {
	some m in input.models
	not m.risk_tier in _default_tiers # a default tier's name is written: most models stop here
	lib.blank(m, "risk_tier")
	f := lib.finding("GOV-002", sprintf("model %q declares no risk tier", [m.name]), sprintf("%s.risk_tier", [m.path]))
}

_default_tiers := {"minimal", "low", "medium", "high", "unacceptable"}

# Approvals that count for the model's current stage (no stage means any).
_approvals(m) := [a |
	some a in m.approvals
	object.get(a, "stage", null) in {null, m.stage}
]

# Released models (`lib.released`) with their tier's requirements and the approvals that count,
# found once for GOV-003 and GOV-004 rather than once per rule.
_released := [[m, lib.tier(m), _approvals(m)] |
	some m in lib.models # stages as judged: raised to where the model serves
	m.stage in {"staging", "production"}
]

# METADATA
# title: Enough approvals for the risk tier
# description: >-
#   A model in staging or production has at least as many approvals for its stage as its
#   risk tier requires (by default: high 2, medium and low 1).
# custom:
#   code: GOV-003
#   severity: error
#   applies_to: [models]
#   hint: "add approvals for the model's stage: `approvals: [{by: ..., role: ..., date: \"YYYY-MM-DD\", stage: production}]`"
deny contains f if {
	some [m, tier, approvals] in _released
	need := tier.approvals
	have := count(approvals)
	have < need
	f := lib.finding("GOV-003", sprintf("%s-risk model %q in %s has %d approval(s); its tier requires %d",
		[object.get(m, "risk_tier", "medium"), m.name, m.stage, have, need]), sprintf("%s.approvals", [m.path]))
}

# METADATA
# title: An approval from a required role
# description: >-
#   When a risk tier names approver roles (by default high: risk or compliance), at least
#   one approval for the model's stage comes from one of them.
# custom:
#   code: GOV-004
#   severity: error
#   applies_to: [models]
#   hint: "add an approval from a role the tier names (by default `risk` or `compliance`): `{by: ..., role: risk, date: \"YYYY-MM-DD\", stage: production}`"
deny contains f if {
	some [m, tier, approvals] in _released
	roles := tier.approver_roles
	count(roles) > 0
	count([a | some a in approvals; a.role in roles]) == 0
	f := lib.finding("GOV-004", sprintf("model %q in %s has no approval from a %s role", [m.name, m.stage, concat(" or ", roles)]),
		sprintf("%s.approvals", [m.path]))
}

# METADATA
# title: An approval names who, role and date
# description: Each approval says who approved, in which role and on which date.
# custom:
#   code: GOV-005
#   severity: error
#   applies_to: [models]
#   hint: "write who, role and date in the approval: `{by: name@example.com, role: ml-lead, date: \"YYYY-MM-DD\"}`"
deny contains f if {
	some m in input.models
	some i, a in m.approvals
	some key in ["by", "role", "date"]
	not a[key] > "" # a written value orders after "": most stop here, before the builtin
	object.get(a, key, null) in {null, ""}
	f := lib.finding("GOV-005", sprintf("approval %d of model %q does not say %s", [i, m.name, key]),
		sprintf("%s.approvals[%d]", [m.path, i]))
}

# METADATA
# title: No unacceptable-risk model is released
# description: >-
#   A model whose risk tier is `unacceptable` (a prohibited practice under the EU AI Act)
#   stays in development.
# custom:
#   code: GOV-006
#   severity: error
#   applies_to: [models]
#   hint: "keep the model at `stage: development`; if the tier is wrong, reassess the model and correct `risk_tier`"
deny contains f if {
	some m in lib.models
	m.risk_tier == "unacceptable"
	m.stage in {"staging", "production"}
	f := lib.finding("GOV-006", sprintf("model %q has an unacceptable risk tier and may not be in %s", [m.name, m.stage]),
		sprintf("%s.stage", [m.path]))
}

# METADATA
# title: The risk tier is one mlopsc knows
# description: A risk tier needs requirements; the tier is one of the default or declared tiers.
# custom:
#   code: GOV-007
#   severity: error
#   applies_to: [models]
#   hint: "use a tier with requirements (`minimal`, `low`, `medium`, `high`, `unacceptable`) or declare them under `governance.risk_tiers`"
deny contains f if {
	some m in input.models
	not config.tiers[m.risk_tier] # first: known tiers stop here, without a call
	not lib.blank(m, "risk_tier")
	f := lib.finding("GOV-007", sprintf("model %q has risk tier %q, which has no requirements", [m.name, m.risk_tier]),
		sprintf("%s.risk_tier", [m.path]))
}
