package mlopsc.security.artifacts

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_unencrypted_artifact if {
	deny == {{"code": "SEC-007", "msg": "artifact of model \"m\" in production is not declared encrypted at rest", "path": "models.m.artifact"}}
		with input as fixtures.with_model({"artifact_encrypted": false})
	count(deny) == 0 with input as fixtures.unserved(fixtures.with_model({"artifact_encrypted": false, "stage": "development"}))
}
