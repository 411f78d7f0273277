package mlopsc.observability.slos

import rego.v1

import data.mlopsc.lib

# Production deployments that answer users: online or streaming, not a shadow.
_judged(d) if {
	lib.production_deployment(d)
	lib.serving(d)
	d.rollout.strategy != "shadow"
}

_has_sli(d, types) if {
	some s in lib.slos_of(d)
	s.sli.type in types
}

# METADATA
# title: Production serving has an availability or error SLO
# description: An online or streaming production deployment has an availability or error-ratio SLO.
# custom:
#   code: OBS-001
#   severity: error
#   applies_to: [deployments]
deny contains f if {
	some d in input.deployments
	_judged(d)
	not _has_sli(d, {"availability", "error_ratio"})
	f := lib.finding("OBS-001", sprintf("production deployment %q has no availability or error-ratio SLO", [d.name]), d.path)
}

# METADATA
# title: Production serving has a latency SLO
# description: An online or streaming production deployment has a latency SLO.
# custom:
#   code: OBS-002
#   severity: error
#   applies_to: [deployments]
deny contains f if {
	some d in input.deployments
	_judged(d)
	not _has_sli(d, {"latency"})
	f := lib.finding("OBS-002", sprintf("production deployment %q has no latency SLO", [d.name]), d.path)
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
deny contains f if {
	some d in input.deployments
	lib.production_deployment(d)
	d.rollout.strategy != "shadow"
	not _drift_watched(d)
	f := lib.finding("OBS-003", sprintf("production deployment %q has no data-drift monitor on its inputs", [d.name]), d.path)
}

_drift_watched(d) if {
	some mon in lib.drift_monitors_of(d)
	count(mon.features) > 0
}

_drift_watched(d) if {
	d.mode == "batch"
	m := input.models[d.model_name]
	some ref in m.training.datasets
	some mon in input.monitors
	mon.type == "data_drift"
	mon.dataset == ref.dataset
	count(mon.features) > 0
}

# METADATA
# title: Every alert has routing and a runbook
# description: >-
#   Every SLO's alerts and every monitor say where the alert goes (routing: team or receiver)
#   and link a runbook, so whoever is paged knows what to do.
# custom:
#   code: OBS-004
#   severity: error
#   applies_to: [slos, monitors]
deny contains f if {
	some section, key in {"slos": "alerting.", "monitors": ""}
	some x in input[section]
	some what in _alert_gaps(x)
	f := lib.finding("OBS-004", sprintf("alerts of %s %q have no %s", [trim_suffix(section, "s"), x.name, what]),
		sprintf("%s.%s%s", [x.path, key, what]))
}

_alert_gaps(x) := {g |
	some g, missing in {"runbook": _unset(x, "runbook"), "routing": _no_route(x)}
	missing
}

_unset(x, key) := true if lib.blank(x, key)

_unset(x, key) := false if not lib.blank(x, key)

_no_route(x) := _unset(x, "routing") if lib.blank(x, "routing")

_no_route(x) := count([v | some k in ["team", "receiver"]; v := x.routing[k]; v != null]) == 0 if not lib.blank(x, "routing")
