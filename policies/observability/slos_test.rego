package mlopsc.observability.slos

import rego.v1

import data.mlopsc.lib.fixtures

_without_slo(name) := json.patch(fixtures.doc, [{"op": "remove", "path": concat("/", ["", "slos", name])}])

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_availability_slo_required if {
	deny == {{"code": "OBS-001", "msg": "production deployment \"web\" has no availability or error-ratio SLO", "path": "deployments.web"}}
		with input as _without_slo("avail")
}

test_error_ratio_counts_as_availability if {
	doc := object.union(_without_slo("avail"), {
		"slos": {"errors": fixtures.slo("errors", "error_ratio")},
		"deployments": {"web": {"slos": ["slo:errors", "slo:latency"]}},
	})
	count(deny) == 0 with input as doc
}

test_latency_slo_required if {
	fixtures.codes(deny) == {"OBS-002"} with input as _without_slo("latency")
}

test_slos_not_required_outside_production if {
	doc := json.patch(fixtures.with_deployment({"environment": "staging", "environment_tier": "staging"}), [{"op": "replace", "path": "/slos", "value": {}}])
	count(deny) == 0 with input as doc
}

test_drift_monitor_required if {
	deny == {{"code": "OBS-003", "msg": "production deployment \"web\" has no data-drift monitor on its inputs", "path": "deployments.web"}}
		with input as fixtures.with_monitor({"features": []})
}

test_batch_may_watch_training_data if {
	batch := object.union(fixtures.doc, {"deployments": {"web-shadow": null, "web": {"mode": "batch", "monitors": []}}, "monitors": {"drift": {"deployment": null}}})
	doc := json.patch(batch, [{"op": "replace", "path": "/slos", "value": {}}])
	count(deny) == 0 with input as doc
	fixtures.codes(deny) == {"OBS-003"} with input as object.union(doc, {"monitors": {"drift": {"dataset": "dataset:other"}}})
}

test_alerts_need_runbook_and_routing if {
	doc := object.union(fixtures.doc, {"slos": {"latency": {"runbook": null}}, "monitors": {"drift": {"routing": {"team": null}}}})
	deny == {
		{"code": "OBS-004", "msg": "alerts of slo \"latency\" have no runbook", "path": "slos.latency.alerting.runbook"},
		{"code": "OBS-004", "msg": "alerts of monitor \"drift\" have no routing", "path": "monitors.drift.routing"},
	} with input as doc
	fixtures.codes(deny) == {"OBS-004"} with input as fixtures.with_monitor({"routing": null})
	other := object.union(fixtures.doc, {"slos": {"latency": {"routing": null}}, "monitors": {"drift": {"runbook": null}}})
	{f.path | some f in deny} == {"slos.latency.alerting.routing", "monitors.drift.runbook"} with input as other
}

test_whitespace_is_no_runbook if {
	doc := object.union(fixtures.doc, {"monitors": {"drift": {"runbook": " ", "routing": {"team": "\t"}}}})
	{f.msg | some f in deny} == {"alerts of monitor \"drift\" have no runbook", "alerts of monitor \"drift\" have no routing"} with input as doc
}

_two_inputs := object.union(fixtures.doc, {"models": {"m": {"input_schema": [
	{"name": "amount", "type": "float", "kind": "continuous", "pii": false},
	{"name": "hour", "type": "integer", "kind": "continuous", "pii": false},
	{"name": "email", "type": "string", "kind": "categorical", "pii": true},
]}}})

test_drift_monitors_cover_the_inputs if {
	count(warn) == 0 with input as fixtures.doc
	warn == {{"code": "OBS-005", "msg": "inputs of model \"m\" not watched for drift on deployment \"web\": hour", "path": "deployments.web"}} with input as _two_inputs
	covered := object.union(_two_inputs, {"monitors": {"drift": {"features": [{"name": "amount"}, {"name": "hour"}]}}})
	count(warn) == 0 with input as covered
}
