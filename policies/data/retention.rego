package mlopsc.data.retention

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

_day_s := 86400

# Personal data: the dataset says so, or one of its fields is PII.
_personal(ds) if ds.personal_data == true

_personal(ds) if {
	some field in ds.fields
	field.pii == true
}

# METADATA
# title: Personal data is kept no longer than the organisation allows
# description: >-
#   When the organisation sets `max_retention_days` (in `--data`, or the spec in
#   `governance.data`), every dataset holding personal data declares a retention period
#   within it.
# custom:
#   code: DATA-005
#   severity: error
#   applies_to: [datasets]
#   hint: "set `retention: {period: ...}` to at most the organisation's `max_retention_days`"
deny contains f if {
	ceiling := object.get(config.cfg, "max_retention_days", null)
	is_number(ceiling) # a quoted number is E407 already
	some ds in input.datasets
	object.get(ds, "retention_s", null) == null
	_personal(ds)
	f := lib.finding("DATA-005", sprintf("dataset %q holds personal data and declares no retention period (the organisation keeps it at most %d days)",
		[ds.name, ceiling]), ds.path)
}

deny contains f if {
	ceiling := object.get(config.cfg, "max_retention_days", null)
	is_number(ceiling) # a quoted number is E407 already
	some ds in input.datasets
	kept := object.get(ds, "retention_s", null)
	kept != null
	kept > ceiling * _day_s
	_personal(ds)
	f := lib.finding("DATA-005", sprintf("dataset %q keeps personal data %v days; the organisation allows at most %d",
		[ds.name, kept / _day_s, ceiling]), sprintf("%s.retention", [ds.path]))
}
