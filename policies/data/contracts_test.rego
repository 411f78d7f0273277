package mlopsc.data.contracts

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_field_without_type if {
	doc := fixtures.with_dataset({"fields": [{"name": "x", "type": null, "pii": false}]})
	deny == {{"code": "DATA-001", "msg": "field \"x\" of dataset \"d\" has no type", "path": "datasets.d.fields[0].type"}} with input as doc
}

test_input_field_without_type if {
	doc := fixtures.with_model({"input_schema": [{"name": "a", "type": "float"}, {"name": "b"}]})
	{f.path | some f in deny} == {"models.m.input_schema[1].type"} with input as doc
}

test_drift_feature_without_kind if {
	doc := fixtures.with_monitor({"features": [{"name": "amount", "kind": null, "pii": false}]})
	deny == {{"code": "DATA-002", "msg": "feature \"amount\" watched by drift monitor \"drift\" declares no kind (continuous or categorical)", "path": "monitors.drift.features[0]"}} with input as doc
}

test_pii_without_classification if {
	doc := fixtures.with_dataset({"fields": [{"name": "email", "type": "string", "pii": true, "classification": null, "purpose": "p"}]})
	deny == {{"code": "DATA-003", "msg": "PII field \"email\" of dataset \"d\" has no classification; use internal, confidential or restricted", "path": "datasets.d.fields[0]"}} with input as doc
	public := fixtures.with_dataset({"fields": [{"name": "email", "type": "string", "pii": true, "classification": "public", "purpose": "p"}]})
	deny == {{"code": "DATA-003", "msg": "PII field \"email\" of dataset \"d\" is classified \"public\"; use internal, confidential or restricted", "path": "datasets.d.fields[0]"}} with input as public
}

test_pii_in_monitor if {
	doc := fixtures.with_monitor({"features": [{"name": "amount", "kind": "continuous", "pii": true}]})
	fixtures.codes(deny) == {"DATA-004"} with input as doc
}

test_pii_a_model_uses_states_its_purpose if {
	pii := {"name": "email", "type": "string", "pii": true, "classification": "confidential", "purpose": null}
	deny == {{"code": "DATA-006", "msg": "PII field \"email\" of training dataset \"d\" states no purpose", "path": "datasets.d.fields[0]"}}
		with input as fixtures.with_dataset({"fields": [pii]})
	deny == {{"code": "DATA-006", "msg": "model \"m\" takes the PII field \"email\" as input without stating its purpose", "path": "models.m.input_schema[0]"}}
		with input as fixtures.with_model({"input_schema": [pii]})
	stated := object.union(pii, {"purpose": "fraud signals for the account's owner"})
	count(deny) == 0 with input as fixtures.with_dataset({"fields": [stated]})
	count(deny) == 0 with input as fixtures.with_model({"input_schema": [stated]})
	# a dataset no model trains on is not judged
	unused := object.union(fixtures.with_dataset({"fields": [pii]}), {"models": {"m": {"training": {"datasets": []}}}})
	count([f | some f in deny; f.code == "DATA-006"]) == 0 with input as unused
}
