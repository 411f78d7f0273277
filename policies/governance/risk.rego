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

# The run's date (`input.run.today`), when the gate gives it.
default _today := null

_today := input.run.today if is_string(input.run.today)

# Approvals that count for the model: for its current stage (no stage means any), for its
# version (an approval names the version it approves), and not dated after today.
_approvals(m) := [a |
	some a in m.approvals
	object.get(a, "stage", null) in {null, m.stage}
	object.get(a, "version", null) == m.version
	not _future(a)
]

_future(a) if {
	is_string(_today)
	is_string(a.date)
	a.date > _today
}

# Who approved, compared without case or surrounding blanks: one person counts once.
_people(approvals) := {lower(trim_space(a.by)) | some a in approvals; is_string(a.by)}

# Released models (`lib.released`) with their tier's requirements and the approvals that count,
# found once for GOV-003 and GOV-004 rather than once per rule.
_released := [[m, lib.tier(m), _approvals(m)] |
	some m in lib.models # stages as judged: raised to where the model serves
	m.stage in {"staging", "production"}
]

# METADATA
# title: Enough approvals for the risk tier
# description: >-
#   A model in staging or production has approvals for its stage and version, from at least
#   as many distinct people as its risk tier requires (by default: high 2, medium and low 1).
# custom:
#   code: GOV-003
#   severity: error
#   applies_to: [models]
#   hint: "add approvals by distinct people for the model's stage and version: `approvals: [{by: ..., role: ..., date: \"YYYY-MM-DD\", stage: production, version: \"1.2.0\"}]`"
deny contains f if {
	some [m, tier, approvals] in _released
	need := tier.approvals
	have := count(_people(approvals))
	have < need
	f := lib.finding("GOV-003", sprintf("%s-risk model %q in %s has %d approval(s) of version %s by distinct people; its tier requires %d",
		[_tier_label(m), m.name, m.stage, have, m.version, need]), sprintf("%s.approvals", [m.path]))
}

# The tier a model is judged at, as the message names it: a missing or null tier is judged
# as medium (lib.entities.tier), and GOV-002 reports the missing tier itself.
_tier_label(m) := m.risk_tier if is_string(m.risk_tier)

_tier_label(m) := "medium" if not is_string(m.risk_tier)

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
# title: An approval names who, role, date and version
# description: Each approval says who approved, in which role, on which date and which model version.
# custom:
#   code: GOV-005
#   severity: error
#   applies_to: [models]
#   hint: "write who, role, date and version in the approval: `{by: name@example.com, role: ml-lead, date: \"YYYY-MM-DD\", version: \"1.2.0\"}`"
deny contains f if {
	some m in input.models
	some i, a in m.approvals
	some key in ["by", "role", "date", "version"]
	lib.blank(a, key)
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

# METADATA
# title: No approval is dated in the future
# description: >-
#   An approval is dated on or before the run's date (`--today`, SOURCE_DATE_EPOCH or
#   today); one dated later is not an approval yet, and does not count.
# custom:
#   code: GOV-014
#   severity: error
#   applies_to: [models]
#   hint: "write the date the approval was given"
deny contains f if {
	some m in input.models
	some i, a in m.approvals
	_future(a)
	f := lib.finding("GOV-014", sprintf("approval %d of model %q is dated %s, after today (%s)", [i, m.name, a.date, _today]),
		sprintf("%s.approvals[%d].date", [m.path, i]))
}
