package mlopsc.models.metrics

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_no_threshold if {
	doc := fixtures.with_model({"metrics": [{"name": "auc", "value": 0.9, "threshold": null, "baseline": 0.7}]})
	deny == {{"code": "MDL-010", "msg": "production model \"m\" declares no promotion threshold on any metric", "path": "models.m.metrics"}} with input as doc
}

test_no_baseline if {
	doc := fixtures.with_model({"metrics": [{"name": "auc", "value": 0.9, "threshold": 0.8, "baseline": null}]})
	deny == {{"code": "MDL-010", "msg": "production model \"m\" declares no baseline for any metric", "path": "models.m.metrics"}} with input as doc
}

test_staging_model_is_not_judged if {
	count(deny) == 0 with input as fixtures.in_staging(fixtures.with_model({"stage": "staging", "metrics": []}))
}

test_values_meet_thresholds_in_their_direction if {
	low := fixtures.with_model({"metrics": [{"name": "auc", "value": 0.1, "threshold": 0.78, "baseline": 0.7, "higher_is_better": true}]})
	deny == {{"code": "MDL-010", "msg": "production model \"m\" has auc 0.1, below its promotion threshold 0.78", "path": ["models", "m", "metrics", "auc", "value"]}} with input as low
	slow := fixtures.with_model({"metrics": [
		{"name": "auc", "value": 0.9, "threshold": 0.8, "baseline": 0.7, "higher_is_better": true},
		{"name": "latency_p99", "value": 0.3, "threshold": 0.25, "baseline": null, "higher_is_better": false},
	]})
	{f.msg | some f in deny} == {"production model \"m\" has latency_p99 0.3, above its promotion threshold 0.25"} with input as slow
	fast := fixtures.with_model({"metrics": [{"name": "latency_p99", "value": 0.2, "threshold": 0.25, "baseline": 0.3, "higher_is_better": false}]})
	count(deny) == 0 with input as fast
}

test_a_threshold_needs_a_value if {
	doc := fixtures.with_model({"metrics": [{"name": "auc", "value": null, "threshold": 0.8, "baseline": 0.7, "higher_is_better": true}]})
	deny == {{"code": "MDL-010", "msg": "production model \"m\" declares a promotion threshold on auc but no value", "path": ["models", "m", "metrics", "auc"]}} with input as doc
}
