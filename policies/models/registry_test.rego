package mlopsc.models.registry

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_production_needs_staging_history if {
	doc := fixtures.with_model({"history": [{"stage": "production", "version": "1.0.0", "date": "2026-01-10"}]})
	deny == {{"code": "MDL-004", "msg": "model \"m\" version 1.0.0 is in production but its history shows no staging stage for it", "path": "models.m.history"}} with input as doc
}

test_staging_of_another_version_does_not_count if {
	doc := fixtures.with_model({"history": [{"stage": "staging", "version": "0.9.0", "date": "2026-01-01"}]})
	fixtures.codes(deny) == {"MDL-004"} with input as doc
}
