package mlopsc.security.containers

import rego.v1

import data.mlopsc.lib.fixtures

_insecure(patch) := fixtures.with_deployment({"security": patch})

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_privileged if {
	deny == {{"code": "SEC-001", "msg": "step \"train\" of pipeline \"p\" runs a privileged container", "path": "pipelines.p.steps[0].security.privileged"}}
		with input as fixtures.with_step({"security": {"privileged": true}})
}

test_host_network if {
	deny == {{"code": "SEC-002", "msg": "deployment \"web\" uses host networking", "path": "deployments.web.security.host_network"}}
		with input as _insecure({"host_network": true})
}

test_root if {
	fixtures.codes(deny) == {"SEC-003"} with input as _insecure({"run_as_non_root": false})
	{f.path | some f in deny} == {"deployments.web.security.run_as_user"} with input as _insecure({"run_as_user": 0})
}

test_read_only_root_filesystem if {
	{f.msg | some f in deny} == {
		"deployment \"web\" sets read_only_root_filesystem: false",
		"deployment \"web\" sets allow_privilege_escalation: true",
	} with input as _insecure({"read_only_root_filesystem": false, "allow_privilege_escalation": true})
}

test_secret_literal if {
	doc := fixtures.with_deployment({"env": [{"name": "db_password", "value": "hunter2", "secret": null}, {"name": "MODE", "value": "fast", "secret": null}]})
	deny == {{"code": "SEC-005", "msg": "deployment \"web\" sets db_password as a literal value; take it from a Secret", "path": "deployments.web.env.db_password"}} with input as doc
	spelled := fixtures.with_deployment({"env": [{"name": "DB_PASSWD", "value": "x", "secret": null}, {"name": "APIKEY", "value": "y", "secret": null}]})
	{f.path | some f in deny} == {"deployments.web.env.DB_PASSWD", "deployments.web.env.APIKEY"} with input as spelled
}

test_allowed_registries if {
	count(deny) == 0 with input as fixtures.doc with data.org as {"allowed_registries": ["ghcr.io/acme/"]}
	doc := object.union(fixtures.with_deployment({"image": "docker.io/x/serve:1.0"}), {"governance": {"data": {"allowed_registries": ["ghcr.io/acme"]}}})
	{f.path | some f in deny} == {"deployments.web.image"} with input as doc
}
