package mlopsc.governance.overrides

import rego.v1

import data.mlopsc.lib.fixtures

_with_governance(patch) := object.union(fixtures.doc, {"governance": patch})

test_defaults_and_tightening_pass if {
	count(warn) == 0 with input as fixtures.doc
	tighter := _with_governance({
		"data": {"max_retries": 3, "min_production_replicas": 3, "allowed_registries": ["ghcr.io/acme"]},
		"risk_tiers": {"high": {"approvals": 3, "approver_roles": ["risk", "compliance", "legal"], "model_card": true,
			"fairness_review": true, "human_oversight": true, "explainability": true, "shadow_before_rollout": true}},
	})
	count(warn) == 0 with input as tighter
}

test_loosened_numbers if {
	doc := _with_governance({"data": {"canary_max_first_weight": 50, "min_production_replicas": 1}})
	warn == {
		{"code": "GOV-012", "msg": "governance.data.canary_max_first_weight loosens the default policy threshold (50 instead of 10)", "path": "governance.data.canary_max_first_weight"},
		{"code": "GOV-012", "msg": "governance.data.min_production_replicas loosens the default policy threshold (1 instead of 2)", "path": "governance.data.min_production_replicas"},
	} with input as doc
}

test_shortened_list if {
	doc := _with_governance({"data": {"secret_name_markers": ["TOKEN"]}})
	{f.path | some f in warn} == {"governance.data.secret_name_markers"} with input as doc
}

test_weaker_tier if {
	doc := _with_governance({"risk_tiers": {"high": {"approvals": 1, "approver_roles": ["ml-lead"], "fairness_review": false}}})
	{f.path | some f in warn} == {
		"governance.risk_tiers.high.approvals",
		"governance.risk_tiers.high.approver_roles",
		"governance.risk_tiers.high.fairness_review",
	} with input as doc
}
