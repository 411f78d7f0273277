package mlopsc.data.retention

import rego.v1

import data.mlopsc.lib.fixtures

_org := {"max_retention_days": 365}

_with_personal(patch) := fixtures.with_dataset(object.union({"personal_data": true}, patch))

test_no_ceiling_no_finding if {
	count(deny) == 0 with input as _with_personal({"retention_s": 99999999})
}

test_within_the_ceiling_passes if {
	count(deny) == 0 with input as _with_personal({"retention_s": 365 * 86400}) with data.org as _org
}

test_longer_than_the_ceiling if {
	deny == {{"code": "DATA-005", "msg": "dataset \"d\" keeps personal data 730 days; the organisation allows at most 365", "path": "datasets.d.retention"}}
		with input as _with_personal({"retention_s": 730 * 86400}) with data.org as _org
}

test_no_retention_declared if {
	deny == {{"code": "DATA-005", "msg": "dataset \"d\" holds personal data and declares no retention period (the organisation keeps it at most 365 days)", "path": "datasets.d"}}
		with input as _with_personal({"retention_s": null}) with data.org as _org
}

test_a_pii_field_makes_it_personal if {
	doc := fixtures.with_dataset({"personal_data": false, "retention_s": 800 * 86400, "fields": [{"name": "email", "pii": true}]})
	{f.path | some f in deny} == {"datasets.d.retention"} with input as doc with data.org as _org
	plain := fixtures.with_dataset({"personal_data": false, "retention_s": 800 * 86400, "fields": [{"name": "amount", "pii": false}]})
	count(deny) == 0 with input as plain with data.org as _org
}

test_the_spec_may_set_a_ceiling if {
	doc := object.union(_with_personal({"retention_s": 90 * 86400}), {"governance": {"data": {"max_retention_days": 30}}})
	{f.code | some f in deny} == {"DATA-005"} with input as doc
}
