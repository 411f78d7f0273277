package mlopsc.regulations.regulations

import rego.v1

import data.mlopsc.lib.fixtures

# The fixture platform with a performance monitor on its deployment (REG-006, Art. 72).
_watched(model_patch) := object.union(_with_log(model_patch), {"monitors": {"perf": object.union(fixtures.monitor, {
	"id": "monitor:perf", "name": "perf", "path": "monitors.perf", "type": "performance", "features": [],
	"metric": "auc", "threshold": 0.8,
})}})

test_compliant_platform_passes if {
	count(deny) == 0 with input as _watched({"regulations": ["gdpr", "ecoa", "eu-ai-act"]})
}

test_gdpr_needs_retention_and_erasure if {
	doc := fixtures.with_dataset({"retention_s": null, "erasure": false})
	{f.msg | some f in deny} == {
		"dataset \"d\" holds personal data that model \"m\" (gdpr) trains on, but declares no retention period",
		"dataset \"d\" holds personal data that model \"m\" (gdpr) trains on, but does not support erasure",
	} with input as doc
	{f.path | some f in deny} == {"datasets.d.retention"} with input as doc
}

test_no_personal_data_no_retention_needed if {
	count(deny) == 0 with input as fixtures.with_dataset({"retention_s": null, "personal_data": false})
}

test_ecoa_needs_disparate_impact_test if {
	doc := fixtures.with_model({"regulations": ["ecoa"], "fairness": {"disparate_impact_tested": false}})
	fixtures.codes(deny) == {"REG-002"} with input as doc
}

test_fcra_needs_per_decision_explanations if {
	doc := fixtures.with_model({"regulations": ["FCRA"], "explainability": null})
	deny == {{"code": "REG-003", "msg": "model \"m\" (FCRA) does not explain each decision (explainability.per_decision)", "path": "models.m.explainability"}} with input as doc
}

test_hipaa_needs_deidentified_data if {
	doc := fixtures.with_model({"regulations": ["hipaa"]})
	fixtures.codes(deny) == {"REG-004"} with input as doc
	count(deny) == 0 with input as object.union(doc, {"datasets": {"d": {"deidentified": true}}})
}

test_eu_ai_act_high_risk_needs_risk_assessment if {
	doc := _watched({"regulations": ["eu-ai-act"], "risk_assessment": null})
	deny == {{"code": "REG-005", "msg": "high-risk model \"m\" falls under the EU AI Act but references no risk assessment", "path": "models.m.risk_assessment"}} with input as doc
}

test_eu_ai_act_high_risk_obligations if {
	bare := _watched({
		"regulations": ["eu-ai-act"], "human_oversight": null, "card": {"intended_use": " ", "limitations": null},
		"metrics": [{"name": "auc", "value": 0.9, "threshold": null}],
	})
	{f.msg | some f in deny} == {
		"high-risk model \"m\" falls under the EU AI Act and describes no human oversight (Art. 14)",
		"high-risk model \"m\" falls under the EU AI Act and declares no accuracy metric with a threshold (Art. 15)",
		"high-risk model \"m\" falls under the EU AI Act and states no intended use in its model card (Art. 13)",
		"high-risk model \"m\" falls under the EU AI Act and states no limitations in its model card (Art. 13)",
	} with input as bare
	unwatched := _with_log({"regulations": ["eu-ai-act"]})
	{f.msg | some f in deny} == {"high-risk model \"m\" falls under the EU AI Act and is served in production with no performance monitor (Art. 72)"} with input as unwatched
	# a monitor naming the model (not its deployment) counts too; other tiers are not judged
	by_model := object.union(unwatched, {"monitors": {"perf": object.union(fixtures.monitor, {"id": "monitor:perf", "type": "concept_drift", "deployment": null})}})
	count(deny) == 0 with input as by_model
	count(deny) == 0 with input as fixtures.with_model({"regulations": ["eu-ai-act"], "risk_tier": "medium"})
}

_with_log(model_patch) := object.union(fixtures.with_model(model_patch), {"deployments": {
	"web": {"prediction_log": {"location": "s3://logs/web", "retention_s": 183 * 86400}},
	"web-shadow": {"prediction_log": {"location": "s3://logs/web", "retention_s": 183 * 86400}},
}})

test_eu_ai_act_prediction_log if {
	short := object.union(_watched({"regulations": ["eu-ai-act"]}), {"deployments": {"web": {"prediction_log": {"retention_s": 30 * 86400}}}})
	{f.msg | some f in deny} == {"high-risk model \"m\" falls under the EU AI Act and is served in production without a prediction log kept at least 183 days (Art. 12, 19)"} with input as short
	none := json.patch(_watched({"regulations": ["eu-ai-act"]}), [{"op": "remove", "path": "/deployments/web-shadow/prediction_log"}])
	{f.path | some f in deny} == {"models.m"} with input as none
	blank := object.union(_watched({"regulations": ["eu-ai-act"]}), {"deployments": {"web": {"prediction_log": {"location": " "}}}})
	{f.path | some f in deny} == {"models.m"} with input as blank
}
