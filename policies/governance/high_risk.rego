package mlopsc.governance.high_risk

import rego.v1

import data.mlopsc.lib

# Every model with its tier's requirements, found once for GOV-008 to GOV-010 rather than
# once per rule (a helper call per model per rule adds up over thousands of models).
_tiered := [[m, lib.tier(m)] | some m in input.models]

# METADATA
# title: Human oversight where the tier requires it
# description: >-
#   Models whose risk tier requires it (by default: high) describe how people review and
#   override their decisions.
# custom:
#   code: GOV-008
#   severity: error
#   applies_to: [models]
#   hint: "add `human_oversight: {description: how people review and override its decisions, reviewers: [...]}`"
deny contains f if {
	some [m, tier] in _tiered
	tier.human_oversight
	_no_oversight(m)
	f := lib.finding("GOV-008", sprintf("%s-risk model %q declares no human oversight", [m.risk_tier, m.name]), sprintf("%s.human_oversight", [m.path]))
}

# METADATA
# title: An explainability method where the tier requires it
# description: Models whose risk tier requires it (by default high) name their explainability method.
# custom:
#   code: GOV-009
#   severity: error
#   applies_to: [models]
#   hint: "add `explainability: {method: shap}` (or lime, integrated-gradients, reason-codes)"
deny contains f if {
	some [m, tier] in _tiered
	tier.explainability
	_no_method(m)
	f := lib.finding("GOV-009", sprintf("%s-risk model %q declares no explainability method", [m.risk_tier, m.name]), sprintf("%s.explainability", [m.path]))
}

_no_oversight(m) if lib.blank(m, "human_oversight")

_no_oversight(m) if lib.blank(m.human_oversight, "description")

_no_method(m) if lib.blank(m, "explainability")

_no_method(m) if lib.blank(m.explainability, "method")

# METADATA
# title: Fairness metrics over protected attributes where the tier requires it
# description: >-
#   Models whose risk tier requires a fairness review (by default high) name the protected
#   attributes and at least one fairness metric with a threshold.
# custom:
#   code: GOV-010
#   severity: error
#   applies_to: [models]
#   hint: "add `fairness: {protected_attributes: [...], metrics: [{name: demographic_parity_difference, threshold: 0.1}]}`"
deny contains f if {
	some [m, tier] in _tiered
	tier.fairness_review
	some problem in _fairness_gaps(m)
	f := lib.finding("GOV-010", sprintf("%s-risk model %q %s", [m.risk_tier, m.name, problem]), sprintf("%s.fairness", [m.path]))
}

_fairness_gaps(m) := {"declares no fairness review"} if lib.blank(m, "fairness")

_fairness_gaps(m) := gaps if {
	not lib.blank(m, "fairness")
	gaps := {g |
		some g, missing in {
			"names no protected attribute": count(m.fairness.protected_attributes) == 0,
			"declares no fairness metric with a threshold": count([x | some x in m.fairness.metrics; x.threshold != null]) == 0,
		}
		missing
	}
}

# The (model, version, mirrored deployment) triples of shadow deployments, built once: a
# lookup per deployment rather than a scan of every deployment per deployment. A shadow
# counts only for the deployment whose live traffic it mirrors (`rollout.mirror_of`): a
# shadow behind its own host sees no client's requests.
_staged contains [e.model, e.version, e.rollout.mirror_of] if {
	some e in input.deployments
	e.rollout.strategy == "shadow"
	is_string(e.rollout.mirror_of)
}

# METADATA
# title: A shadow stage that mirrors the deployment before full rollout where the tier requires it
# description: >-
#   A production deployment of a model whose tier requires it (by default high) that does
#   not itself run in shadow or A/B mode has a shadow deployment of the same model and
#   version whose `rollout.mirror_of` names it, so the shadow sees its live traffic.
# custom:
#   code: GOV-011
#   severity: error
#   applies_to: [deployments]
#   hint: "stage this version first: another deployment of the same model and version with `rollout: {strategy: shadow, mirror_of: THIS-DEPLOYMENT, mirror_percent: 100}`"
deny contains f if {
	some d in input.deployments
	not d.rollout.strategy in {"shadow", "ab"}
	d.environment_tier == "production" # lib.production_deployment, inline
	m := input.models[d.model_name]
	lib.tier(m).shadow_before_rollout
	not [d.model, d.version, d.name] in _staged
	f := lib.finding("GOV-011", sprintf("%s-risk model %q version %s reaches deployment %q without a shadow stage mirroring it",
		[m.risk_tier, m.name, d.version, d.name]), sprintf("%s.rollout.strategy", [d.path]))
}
