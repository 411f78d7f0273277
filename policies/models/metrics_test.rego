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
