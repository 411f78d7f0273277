# Helpers over the policy input (docs/policy-input.md) shared by the default rules.
package mlopsc.lib

import rego.v1

import data.mlopsc.lib.config

# A finding: what every deny/warn rule produces.
finding(code, msg, path) := {"code": code, "msg": msg, "path": path}

# A field that is absent, null, false or a blank string (of an object: anything else is not).
# Else chains, not several clauses: only the first matching branch is evaluated, which
# matters over specs of thousands of entities. The first branch settles the common case (a
# written name, id or version) with comparisons only: a string from "!" to "~" starts with a
# printable ASCII character other than a space, so it is not blank. Values of other types
# order before or after every string, and go on to the full check.
blank(obj, key) := false if {
	is_object(obj)
	obj[key] >= "!"
	obj[key] <= "~"
} else := true if {
	not is_object(obj)
} else := _empty(object.get(obj, key, null))

_empty(v) := true if {
	v == null
} else := true if {
	v == false
} else := r if {
	is_string(v)
	r := trim_space(v) == ""
} else := false

# The name of an entity from its id: "model:fraud" -> "fraud".
name_of(id) := substring(id, indexof(id, ":") + 1, -1)

# A deployment in a production-tier environment (`environments.NAME.tier`; an environment
# without a tier is judged as production). Never keyed on the environment's name.
production_deployment(d) if d.environment_tier == "production"

serving(d) if d.mode in {"online", "streaming"}

# --- stages: what a model is judged as

# Models that answer users in production (a shadow only mirrors), and models that run in a
# staging or production environment at all, each found once.
_serving_production contains d.model_name if {
	some d in input.deployments
	d.environment_tier == "production"
	d.rollout.strategy != "shadow"
}

_running_staged contains d.model_name if {
	some d in input.deployments
	d.environment_tier in {"production", "staging"}
}

# The stage each model is judged at (by name): its registry stage, raised to where it
# serves. A model at `stage: development` that a production deployment serves is judged as
# in production, so the declared stage cannot switch off the rules for what serves users
# (MDL-011 reports the stage itself).
stages := {m.name: _judged_stage(m) | some m in input.models}

_judged_stage(m) := "production" if {
	m.name in _serving_production
} else := "staging" if {
	m.stage in {"development", "archived"}
	m.name in _running_staged
} else := m.stage

# Every model with `stage` set to the stage it is judged at (`registry_stage` keeps the
# declared one). The release rules iterate these rather than `input.models`.
models := [_as_judged(m, stages[m.name]) | some m in input.models]

_as_judged(m, stage) := m if {
	stage == m.stage
} else := object.union(m, {"stage": stage, "registry_stage": m.stage})

_stage(m) := stages[m.name] if {
	is_string(stages[m.name])
} else := m.stage

# Staging and production models face the release rules (judged stages).
released(m) if _stage(m) in {"staging", "production"}

production_model(m) if _stage(m) == "production"

# Requirements of the model's risk tier (the default tier "medium" when none is declared);
# undefined for a tier nobody declared (GOV-007 reports it). Two exclusive clauses, not an
# else chain: OPA moves a head's value into the body, so an undefined `config.tiers[x]`
# would fall through to the else (medium), where regorus leaves the function undefined.
tier(m) := config.tiers[m.risk_tier] if _tier_named(m)

tier(m) := config.tiers.medium if not _tier_named(m)

_tier_named(m) if {
	is_string(m.risk_tier)
	m.risk_tier != ""
}

# --- images

image_has_digest(image) if contains(image, "@sha256:")

# Pinned: a digest, or a tag other than "latest" (a tag is a ":x" in the last path part).
# An else chain, not several clauses: only the first matching branch is evaluated.
image_pinned(image) := true if {
	contains(image, "@sha256:")
} else := false if {
	endswith(image, ":latest")
} else := contains(_last_part(image), ":")

_last_part(image) := part if {
	parts := split(image, "/")
	part := parts[count(parts) - 1]
}

# --- containers: pipeline steps and deployments, with the spec path of each

containers contains c if {
	some p in input.pipelines
	some s in p.steps
	c := {"path": s.path, "what": sprintf("step %q of pipeline %q", [s.name, p.name]),
		"image": s.image, "security": s.security, "env": s.env}
}

containers contains c if {
	some d in input.deployments
	c := {"path": d.path, "what": sprintf("deployment %q", [d.name]),
		"image": d.image, "security": d.security, "env": d.env}
}

# --- relations

# Training datasets of a model (the dataset objects).
training_datasets(m) := [ds |
	some ref in m.training.datasets
	ds := input.datasets[name_of(ref.dataset)]
]
