package mlopsc.governance.high_risk

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_no_human_oversight if {
	deny == {{"code": "GOV-008", "msg": "high-risk model \"m\" declares no human oversight", "path": "models.m.human_oversight"}}
		with input as fixtures.with_model({"human_oversight": null})
}

test_low_risk_needs_no_safeguards if {
	doc := fixtures.with_model({"risk_tier": "low", "human_oversight": null, "explainability": null, "fairness": null})
	count(deny) == 0 with input as object.union(doc, {"deployments": {"web-shadow": null}})
}

test_no_explainability if {
	fixtures.codes(deny) == {"GOV-009"} with input as fixtures.with_model({"explainability": null})
	fixtures.codes(deny) == {"GOV-009"} with input as fixtures.with_model({"explainability": {"method": ""}})
}

test_no_fairness if {
	deny == {{"code": "GOV-010", "msg": "high-risk model \"m\" declares no fairness review", "path": "models.m.fairness"}}
		with input as fixtures.with_model({"fairness": null})
}

test_fairness_needs_attributes_and_metrics if {
	doc := fixtures.with_model({"fairness": {"protected_attributes": [], "metrics": []}})
	{f.msg | some f in deny} == {
		"high-risk model \"m\" names no protected attribute",
		"high-risk model \"m\" declares no fairness metric with a threshold",
	} with input as doc
}

test_canary_without_shadow if {
	doc := json.patch(fixtures.doc, [{"op": "remove", "path": "/deployments/web-shadow"}])
	deny == {{"code": "GOV-011", "msg": "high-risk model \"m\" version 1.0.0 reaches deployment \"web\" without a shadow stage mirroring it", "path": "deployments.web.rollout.strategy"}} with input as doc
}

test_shadow_of_another_version_does_not_count if {
	doc := object.union(fixtures.doc, {"deployments": {"web-shadow": {"version": "0.9.0"}}})
	fixtures.codes(deny) == {"GOV-011"} with input as doc
}

test_shadow_mirroring_nothing_does_not_count if {
	doc := object.union(fixtures.doc, {"deployments": {"web-shadow": {"rollout": {"mirror_of": null}}}})
	fixtures.codes(deny) == {"GOV-011"} with input as doc
}

test_shadow_mirroring_another_deployment_does_not_count if {
	doc := object.union(fixtures.doc, {"deployments": {"web-shadow": {"rollout": {"mirror_of": "other"}}}})
	fixtures.codes(deny) == {"GOV-011"} with input as doc
}

test_ab_deployment_of_the_version_is_no_shadow if {
	doc := object.union(fixtures.doc, {"deployments": {"web-shadow": {"rollout": {"strategy": "ab"}}}})
	fixtures.codes(deny) == {"GOV-011"} with input as doc
}

test_whitespace_is_no_oversight if {
	fixtures.codes(deny) == {"GOV-008"} with input as fixtures.with_model({"human_oversight": {"description": "  "}})
}
