package mlopsc.deployments.rollout

import rego.v1

import data.mlopsc.lib.fixtures

_canary(steps) := fixtures.with_deployment({"rollout": {"steps": [{"weight": w} | some w in steps]}})

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_canary_starts_small if {
	deny == {{"code": "DEP-003", "msg": "canary of deployment \"web\" starts at 50% of traffic; at most 10% is allowed", "path": "deployments.web.rollout.steps[0].weight"}}
		with input as _canary([50, 100])
	count(deny) == 0 with input as _canary([50, 100]) with data.org as {"canary_max_first_weight": 50}
}

test_canary_needs_slo_analysis if {
	deny == {{"code": "DEP-005", "msg": "canary of deployment \"web\" has no analysis tied to an SLO", "path": "deployments.web.rollout"}}
		with input as fixtures.with_deployment({"rollout": {"analysis": null}})
	fixtures.codes(deny) == {"DEP-005"} with input as fixtures.with_deployment({"rollout": {"analysis": {"slos": []}}})
}

test_rollback_trigger_required if {
	doc := fixtures.with_deployment({"rollout": {"rollback": []}})
	deny == {{"code": "DEP-006", "msg": "canary rollout of deployment \"web\" has no rollback trigger", "path": "deployments.web.rollout"}} with input as doc
	count(deny) == 0 with input as fixtures.with_deployment({"rollout": {"rollback": []}, "environment_tier": "development"})
}
