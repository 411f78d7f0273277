package mlopsc.governance.ownership

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_model_without_owner if {
	deny == {{"code": "GOV-001", "msg": "model \"m\" has no owner", "path": "models.m.owner"}}
		with input as fixtures.with_model({"owner": null})
}

test_every_section_is_checked if {
	doc := object.union(fixtures.doc, {
		"datasets": {"d": {"owner": ""}},
		"pipelines": {"p": {"owner": null}},
		"deployments": {"web": {"owner": null}},
	})
	{f.path | some f in deny} == {"datasets.d.owner", "pipelines.p.owner", "deployments.web.owner"} with input as doc
}

test_whitespace_is_no_owner if {
	fixtures.codes(deny) == {"GOV-001"} with input as fixtures.with_model({"owner": " \t"})
}
