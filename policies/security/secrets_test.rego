package mlopsc.security.secrets

import rego.v1

import data.mlopsc.lib.fixtures

_env(value) := fixtures.with_deployment({"env": [{"name": "CONFIG", "value": value, "secret": null}]})

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_each_shape_is_found_by_value_whatever_the_name if {
	every value in [
		"AKIAIOSFODNN7EXAMPLE",
		"-----BEGIN RSA PRIVATE KEY-----",
		"ghp_0123456789abcdefghijABCDEFGHIJ0123456789",
		"xoxb-1234567890-abcdefghij",
		"AIzaSyA-0123456789abcdefghijklmnopqrstu",
		"sk_live_0123456789abcdefghijklmn",
	] {
		deny == {{"code": "SEC-008", "msg": sprintf("deployments.web.env.CONFIG holds %s", [_kind(value)]), "path": "deployments.web.env.CONFIG"}} with input as _env(value)
	}
}

_kind(value) := kind if {
	some kind, pattern in _shapes
	regex.match(pattern, value)
}

test_the_value_is_never_in_the_message if {
	found := deny with input as _env("postgres://u:hunter2@h/db")
	count(found) == 1
	every f in found {
		not contains(f.msg, "hunter2")
	}
}

test_placeholders_and_plain_urls_pass if {
	every value in ["postgres://scorer:${DB_PASSWORD}@db/fraud", "https://user@host/x", "s3://bucket/AKIA", "AKIAshort", "https://example.com/a:b@c"] {
		count(deny) == 0 with input as _env(value)
	}
}

test_arguments_and_commands if {
	doc := fixtures.with_step({"args": ["--epochs", "3", "--db-password", "hunter2", "--api-key=abc123"], "command": ["python", "train.py"]})
	{f.path | some f in deny} == {"pipelines.p.steps[0].args[3]", "pipelines.p.steps[0].args[4]"} with input as doc
	served := fixtures.with_deployment({"command": ["serve", "--token", "abc"], "args": ["--db=postgres://u:pw@db/x"]})
	{f.path | some f in deny} == {"deployments.web.command[2]", "deployments.web.args[0]"} with input as served
	ok := fixtures.with_step({"args": ["--db-password", "$(DB_PASSWORD)", "--token={{ var.value.t }}", "--password"]})
	count(deny) == 0 with input as ok
}

test_dataset_locations if {
	doc := fixtures.with_dataset({"location": "mysql://etl:s3cr3t@warehouse/tx"})
	deny == {{"code": "SEC-008", "msg": "datasets.d.location holds a password inside a URL", "path": "datasets.d.location"}} with input as doc
}

test_prediction_log_locations if {
	doc := fixtures.with_deployment({"prediction_log": {"location": "postgres://audit:pw1@db/log", "retention_s": 1}})
	{f.path | some f in deny} == {"deployments.web.prediction_log.location"} with input as doc
}

_found(value) := {f.msg | some f in found} if found := deny with input as _env(value)

test_passwords_written_beside_their_name if {
	every value in [
		"postgres://scorer:hunter2@db.internal:5432/fraud",
		"redis://:hunter2@cache:6379/0",
		"postgres://admin:%68unter2@db/x",
		"postgres://admin:$ecret99@db/x",
		"postgres://admin:{hunter2}@db/x",
		"POSTGRES://admin:hunter2@db/x",
	] {
		_found(value) == {"deployments.web.env.CONFIG holds a password inside a URL"}
	}
	every value in ["jdbc:postgresql://db/x?user=a&password=hunter2", "host=db user=admin password=hunter2"] {
		_found(value) == {"deployments.web.env.CONFIG holds a password in a key=value string"}
	}
}

test_placeholders_are_exact if {
	every value in [
		"postgres://admin:$(DB_PASSWORD)@db/x", "postgres://admin:${DB_PASSWORD}@db/x",
		"postgres://admin:{{ conn.db.password }}@db/x", "host=db password=%(pw)s",
	] {
		count(deny) == 0 with input as _env(value)
	}
}

test_flags_and_their_values if {
	doc := fixtures.with_step({"args": [
		"--password", "$hunter2", "--db-pass", "hunter2", "--pwd=hunter2", "--credentials=admin:hunter2",
		"--password:hunter2", "--password=", "hunter2", "--token", "$(TOKEN)", "--secret", "--verbose",
	]})
	{f.path | some f in deny} == {
		"pipelines.p.steps[0].args[1]", "pipelines.p.steps[0].args[3]", "pipelines.p.steps[0].args[4]",
		"pipelines.p.steps[0].args[5]", "pipelines.p.steps[0].args[6]", "pipelines.p.steps[0].args[8]",
	} with input as doc
}
