package mlopsc.governance.risk

import rego.v1

import data.mlopsc.lib.fixtures

_codes(doc) := c if {
	c := fixtures.codes(deny) with input as doc
}

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_missing_risk_tier if {
	deny == {{"code": "GOV-002", "msg": "model \"m\" declares no risk tier", "path": "models.m.risk_tier"}}
		with input as fixtures.with_model({"risk_tier": null, "approvals": [fixtures.model.approvals[0]]})
}

test_high_risk_needs_two_approvals if {
	doc := fixtures.with_model({"approvals": [fixtures.model.approvals[1]]})
	_codes(doc) == {"GOV-003"}
}

test_approvals_for_another_stage_do_not_count if {
	old := [object.union(a, {"stage": "staging"}) | some a in fixtures.model.approvals]
	"GOV-003" in _codes(fixtures.with_model({"approvals": old}))
}

test_development_models_need_no_approval if {
	count(deny) == 0 with input as fixtures.unserved(fixtures.with_model({"stage": "development", "approvals": []}))
}

test_tier_requirements_come_from_the_spec if {
	doc := object.union(fixtures.with_model({"risk_tier": "medium", "approvals": []}),
		{"governance": {"risk_tiers": {"medium": {"approvals": 3, "approver_roles": []}}}})
	deny == {{"code": "GOV-003", "msg": "medium-risk model \"m\" in production has 0 approval(s) of version 1.0.0 by distinct people; its tier requires 3", "path": "models.m.approvals"}} with input as doc
}

test_high_risk_needs_risk_or_compliance_role if {
	a := fixtures.model.approvals[0]
	doc := fixtures.with_model({"approvals": [a, object.union(a, {"by": "c@acme.example"})]})
	_codes(doc) == {"GOV-004"}
}

test_org_data_overrides_roles if {
	a := fixtures.model.approvals[0]
	doc := fixtures.with_model({"approvals": [a, object.union(a, {"by": "c@acme.example"})]})
	count(deny) == 0 with input as doc with data.org as {"risk_tiers": {"high": {"approver_roles": ["ml-lead"]}}}
}

test_approval_needs_who_role_date if {
	a := object.union(fixtures.model.approvals[1], {"by": ""})
	doc := fixtures.with_model({"approvals": [fixtures.model.approvals[0], a]})
	deny == {{"code": "GOV-005", "msg": "approval 1 of model \"m\" does not say by", "path": "models.m.approvals[1]"}} with input as doc
}

test_unacceptable_risk_is_not_released if {
	_codes(fixtures.with_model({"risk_tier": "unacceptable"})) == {"GOV-006"}
	count(deny) == 0 with input as fixtures.unserved(fixtures.with_model({"risk_tier": "unacceptable", "stage": "development"}))
}

test_unknown_tier if {
	_codes(fixtures.with_model({"risk_tier": "extreme"})) == {"GOV-007"}
}

# The registry stage cannot switch release rules off for what serves in production.
test_development_model_served_in_production_is_judged_as_production if {
	doc := fixtures.with_model({"stage": "development", "approvals": [fixtures.model.approvals[1]]})
	deny == {{"code": "GOV-003", "msg": "high-risk model \"m\" in production has 1 approval(s) of version 1.0.0 by distinct people; its tier requires 2", "path": "models.m.approvals"}} with input as doc
	_codes(fixtures.with_model({"risk_tier": "unacceptable", "stage": "development"})) == {"GOV-006"}

	# a shadow in production only mirrors: the model is judged as in staging
	shadow_only := json.patch(doc, [{"op": "remove", "path": "/deployments/web"}])
	msgs := {f.msg | some f in deny; f.code == "GOV-003"} with input as shadow_only
	msgs == {"high-risk model \"m\" in staging has 0 approval(s) of version 1.0.0 by distinct people; its tier requires 2"}
}

test_one_person_counts_once if {
	a := fixtures.model.approvals[1]
	doc := fixtures.with_model({"approvals": [a, object.union(a, {"by": " B@Acme.Example", "role": "compliance"})]})
	deny == {{"code": "GOV-003", "msg": "high-risk model \"m\" in production has 1 approval(s) of version 1.0.0 by distinct people; its tier requires 2", "path": "models.m.approvals"}} with input as doc
}

test_approvals_are_tied_to_the_version if {
	old := [object.union(a, {"version": "0.9.0"}) | some a in fixtures.model.approvals]
	_codes(fixtures.with_model({"approvals": old})) == {"GOV-003", "GOV-004"}
	unversioned := [object.remove(a, ["version"]) | some a in fixtures.model.approvals]
	{f.msg | some f in deny; f.code == "GOV-005"} == {
		"approval 0 of model \"m\" does not say version",
		"approval 1 of model \"m\" does not say version",
	} with input as fixtures.with_model({"approvals": unversioned})
}

test_approvals_dated_after_today_do_not_count if {
	count(deny) == 0 with input as object.union(fixtures.doc, {"run": {"today": "2026-01-06"}})
	doc := object.union(fixtures.doc, {"run": {"today": "2026-01-05"}})
	deny == {
		{"code": "GOV-003", "msg": "high-risk model \"m\" in production has 1 approval(s) of version 1.0.0 by distinct people; its tier requires 2", "path": "models.m.approvals"},
		{"code": "GOV-004", "msg": "model \"m\" in production has no approval from a risk or compliance role", "path": "models.m.approvals"},
		{"code": "GOV-014", "msg": "approval 1 of model \"m\" is dated 2026-01-06, after today (2026-01-05)", "path": "models.m.approvals[1].date"},
	} with input as doc
}
