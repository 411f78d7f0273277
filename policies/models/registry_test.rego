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

test_production_serves_only_production_versions if {
	doc := fixtures.with_model({"stage": "staging"})
	deny == {{"code": "MDL-011", "msg": "deployment \"web\" serves model \"m\" version 1.0.0 in production, but the registry has it at stage staging", "path": "deployments.web.model"}} with input as doc
	# the shadow only mirrors, and a staging environment is not production
	count(deny) == 0 with input as fixtures.in_staging(doc)
}

test_another_version_needs_a_production_record if {
	doc := fixtures.with_deployment({"version": "0.9.0"})
	deny == {{"code": "MDL-011", "msg": "deployment \"web\" serves model \"m\" version 0.9.0 in production, but the registry has it at stage none (not the model's version, and no production record in its history)", "path": "deployments.web.model"}} with input as doc
	old := object.union(doc, {"models": {"m": {"history": array.concat(fixtures.model.history, [{"stage": "production", "version": "0.9.0", "date": "2025-06-01"}])}}})
	count(deny) == 0 with input as old
}
