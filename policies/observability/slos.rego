package mlopsc.observability.slos

import rego.v1

import data.mlopsc.lib

# Production deployments that are not a shadow, found once for OBS-001 to OBS-003. An array
# of the input's own objects, checked inline (what `lib.production_deployment` checks): over
# thousands of deployments a helper call or a set of objects costs more than the checks.
_production := [d |
	some d in input.deployments
	d.environment_tier == "production"
	d.rollout.strategy != "shadow"
]

# Those that answer users: online or streaming (`lib.serving`).
_judged := [d |
	some d in _production
	d.mode in {"online", "streaming"}
]

# Ids of deployments with an SLO of each kind, built once (linear in the spec's size).
_with_availability contains s.deployment if {
	some s in input.slos
	s.sli.type in {"availability", "error_ratio"}
}

_with_latency contains s.deployment if {
	some s in input.slos
	s.sli.type == "latency"
}

# METADATA
# title: Production serving has an availability or error SLO
# description: An online or streaming production deployment has an availability or error-ratio SLO.
# custom:
#   code: OBS-001
#   severity: error
#   applies_to: [deployments]
#   hint: "add an SLO: `slos: {NAME: {deployment: this-deployment, sli: {type: availability, metric: ...}, objective: 99.9}}` (or `type: error_ratio`)"
deny contains f if {
	covered := _with_availability # once, not once per deployment
	some d in _judged
	not d.id in covered
	f := lib.finding("OBS-001", sprintf("production deployment %q has no availability or error-ratio SLO", [d.name]), d.path)
}

# METADATA
# title: Production serving has a latency SLO
# description: An online or streaming production deployment has a latency SLO.
# custom:
#   code: OBS-002
#   severity: error
#   applies_to: [deployments]
#   hint: "add an SLO: `slos: {NAME: {deployment: this-deployment, sli: {type: latency, metric: ..., threshold: 0.25}, objective: 99}}`"
deny contains f if {
	covered := _with_latency
	some d in _judged
	not d.id in covered
	f := lib.finding("OBS-002", sprintf("production deployment %q has no latency SLO", [d.name]), d.path)
}

# Drift monitors with features (`features` is an array: not empty is `!= []`).
_drift_monitors := [mon |
	some mon in input.monitors
	mon.type == "data_drift"
	mon.features != []
]

_watched_deployments contains mon.deployment if some mon in _drift_monitors

_watched_datasets contains mon.dataset if some mon in _drift_monitors

# A batch deployment may be watched through a training dataset of its model.
_watched_batch(d) if {
	d.mode == "batch"
	some ref in input.models[d.model_name].training.datasets
	ref.dataset in _watched_datasets
}

# METADATA
# title: Production models are watched for drift
# description: >-
#   A production deployment has a data-drift monitor with features on its inputs; a batch
#   deployment may instead have one on a training dataset of its model.
# custom:
#   code: OBS-003
#   severity: error
#   applies_to: [deployments]
#   hint: "add a monitor: `monitors: {NAME: {type: data_drift, deployment: this-deployment, dataset: ..., features: [...]}}`"
deny contains f if {
	watched := _watched_deployments
	some d in _production
	not d.id in watched
	not _watched_batch(d)
	f := lib.finding("OBS-003", sprintf("production deployment %q has no data-drift monitor on its inputs", [d.name]), d.path)
}

# What raises alerts: SLOs (under `alerting:`) and monitors.
_alerting := [["slo", "slos", "alerting."], ["monitor", "monitors", ""]]

# METADATA
# title: Every alert has routing and a runbook
# description: >-
#   Every SLO's alerts and every monitor say where the alert goes (routing: team or receiver)
#   and link a runbook, so whoever is paged knows what to do.
# custom:
#   code: OBS-004
#   severity: error
#   applies_to: [slos, monitors]
#   hint: "add `runbook: URL` and `routing: {team: ...}` (for an SLO, under `alerting:`)"
deny contains f if {
	some [kind, section, prefix] in _alerting
	some x in input[section]
	lib.blank(x, "runbook") # absent, null or only whitespace: one notion of blank
	f := lib.finding("OBS-004", sprintf("alerts of %s %q have no runbook", [kind, x.name]), sprintf("%s.%srunbook", [x.path, prefix]))
}

# Rules inline their checks (no helper function per entity): over thousands of monitors a
# function call costs more than the check.
deny contains f if {
	some [kind, section, prefix] in _alerting
	some x in input[section]
	object.get(x, "routing", null) == null
	f := lib.finding("OBS-004", sprintf("alerts of %s %q have no routing", [kind, x.name]), sprintf("%s.%srouting", [x.path, prefix]))
}

deny contains f if {
	some [kind, section, prefix] in _alerting
	some x in input[section]
	is_object(x.routing)
	lib.blank(x.routing, "team")
	lib.blank(x.routing, "receiver")
	f := lib.finding("OBS-004", sprintf("alerts of %s %q have no routing", [kind, x.name]), sprintf("%s.%srouting", [x.path, prefix]))
}

# METADATA
# title: Drift monitors cover the model's inputs
# description: >-
#   Every input of a production model (its `input_schema`) is watched by a data-drift monitor
#   on the deployment that serves it, except PII fields (which monitors may not expose,
#   DATA-004). An input left out is where drift goes unseen.
# custom:
#   code: OBS-005
#   severity: warning
#   applies_to: [deployments]
#   hint: "add the inputs to the `features:` of a data_drift monitor on this deployment"
warn contains f if {
	some d in _production
	d.id in _watched_deployments
	inputs := {i.name | some i in input.models[d.model_name].input_schema; not i.pii == true}
	watched := {ft.name | some mon in _drift_monitors; mon.deployment == d.id; some ft in mon.features}
	missing := inputs - watched
	count(missing) > 0
	f := lib.finding("OBS-005", sprintf("inputs of model %q not watched for drift on deployment %q: %s",
		[d.model_name, d.name, concat(", ", sort(missing))]), d.path)
}
