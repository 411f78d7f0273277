package mlopsc.governance.environments

import rego.v1

import data.mlopsc.lib.fixtures

test_declared_tier_passes if {
	count(warn) == 0 with input as fixtures.doc
}

test_missing_tier_is_reported if {
	doc := object.union(fixtures.doc, {"environments": {"prod": {"tier_declared": false}}})
	warn == {{"code": "GOV-013", "msg": "environment \"prod\" declares no tier; it is judged as production", "path": "environments.prod.tier"}}
		with input as doc
}
