# Helpers over the policy input (docs/policy-input.md) shared by the default rules.
package mlopsc.lib

import rego.v1

import data.mlopsc.lib.config

# A finding: what every deny/warn rule produces.
finding(code, msg, path) := {"code": code, "msg": msg, "path": path}

# A field that is absent, null, false or a blank string.
blank(obj, key) if not obj[key]

blank(obj, key) if obj[key] == null

blank(obj, key) if {
	is_string(obj[key])
	trim_space(obj[key]) == ""
}

# The name of an entity from its id: "model:fraud" -> "fraud".
name_of(id) := substring(id, indexof(id, ":") + 1, -1)

production_env(env) if env in config.cfg.production_environments

production_deployment(d) if production_env(d.environment)

serving(d) if d.mode in {"online", "streaming"}

# Staging and production models face the release rules.
released(m) if m.stage in {"staging", "production"}

production_model(m) if m.stage == "production"

# Requirements of the model's risk tier (the default tier "medium" when none is declared).
tier(m) := config.tiers[m.risk_tier]

tier(m) := config.tiers.medium if blank(m, "risk_tier")

# --- images

image_has_digest(image) if contains(image, "@sha256:")

image_tag(image) := tag if {
	not image_has_digest(image)
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	tag := split(last, ":")[1]
}

# Pinned: a digest, or a tag other than "latest".
image_pinned(image) if image_has_digest(image)

image_pinned(image) if {
	tag := image_tag(image)
	tag != "latest"
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

deployments_of(m) := [d | some d in input.deployments; d.model == m.id]

slos_of(d) := [s | some s in input.slos; s.deployment == d.id]

drift_monitors_of(d) := [mon |
	some mon in input.monitors
	mon.type == "data_drift"
	mon.deployment == d.id
]

# Training datasets of a model (the dataset objects).
training_datasets(m) := [ds |
	some ref in m.training.datasets
	ds := input.datasets[name_of(ref.dataset)]
]
