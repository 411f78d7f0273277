package mlopsc.models.card

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_staging_model_needs_release_sections if {
	doc := fixtures.in_staging(fixtures.with_model({"stage": "staging", "card": {"limitations": null, "fairness_assessment": null}}))
	deny == {{"code": "MDL-001", "msg": "model \"m\" in staging has no model-card section \"limitations\"", "path": "models.m.card.limitations"}} with input as doc
}

test_released_model_reports_metrics if {
	doc := fixtures.in_staging(fixtures.with_model({"stage": "staging", "metrics": []}))
	deny == {{"code": "MDL-001", "msg": "model \"m\" in staging reports no metrics in its model card", "path": "models.m.metrics"}} with input as doc
}

test_development_model_needs_no_card if {
	count(deny) == 0 with input as fixtures.unserved(fixtures.with_model({"stage": "development", "card": {"intended_use": null}, "metrics": []}))
}

test_production_needs_fairness_and_maintenance if {
	doc := fixtures.with_model({"card": {"maintenance": "", "fairness_assessment": null}})
	{f.path | some f in deny; f.code == "MDL-002"} == {"models.m.card.maintenance", "models.m.card.fairness_assessment"} with input as doc
}

test_whitespace_is_no_section if {
	doc := fixtures.with_model({"card": {"intended_use": "   ", "maintenance": "\n"}})
	{f.path | some f in deny} == {"models.m.card.intended_use", "models.m.card.maintenance"} with input as doc
}
