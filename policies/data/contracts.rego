package mlopsc.data.contracts

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Every contract field has a type
# description: Every field of a data contract, and of a model's input schema, declares its type.
# custom:
#   code: DATA-001
#   severity: error
#   applies_to: [datasets, models]
#   hint: "give the field a type, e.g. `{name: amount, type: float}`"
deny contains f if {
	some ds in input.datasets
	some i, field in ds.fields
	object.get(field, "type", null) == null # absent or null (docs/policies.md: Engine parity)
	f := lib.finding("DATA-001", sprintf("field %q of dataset %q has no type", [field.name, ds.name]), sprintf("%s.fields[%d].type", [ds.path, i]))
}

deny contains f if {
	some m in input.models
	some i, field in m.input_schema
	object.get(field, "type", null) == null
	f := lib.finding("DATA-001", sprintf("input field %q of model %q has no type", [field.name, m.name]), sprintf("%s.input_schema[%d].type", [m.path, i]))
}

# METADATA
# title: Drift-monitored features say continuous or categorical
# description: >-
#   A feature watched by a drift monitor declares `kind: continuous` or `kind: categorical`
#   in its contract, which picks the drift test (Kolmogorov-Smirnov or chi-squared).
# custom:
#   code: DATA-002
#   severity: error
#   applies_to: [monitors]
#   hint: "add `kind: continuous` or `kind: categorical` to the field in the monitor's `dataset:` (without one, in the model's `input_schema:`)"
deny contains f if {
	some mon in input.monitors
	mon.type == "data_drift"
	some i, feature in mon.features
	object.get(feature, "kind", null) == null
	f := lib.finding("DATA-002", sprintf("feature %q watched by drift monitor %q declares no kind (continuous or categorical)", [feature.name, mon.name]),
		sprintf("%s.features[%d]", [mon.path, i]))
}

# METADATA
# title: PII fields are classified
# description: A field marked `pii` carries a data classification other than `public`.
# custom:
#   code: DATA-003
#   severity: error
#   applies_to: [datasets]
#   hint: "add `classification: internal|confidential|restricted` to the field"
deny contains f if {
	some ds in input.datasets
	some i, field in ds.fields
	field.pii
	not field.classification in {"internal", "confidential", "restricted"}
	f := lib.finding("DATA-003", sprintf("PII field %q of dataset %q %s; use internal, confidential or restricted", [field.name, ds.name, _classified(field)]),
		sprintf("%s.fields[%d]", [ds.path, i]))
}

_classified(field) := "has no classification" if {
	field.classification == null
} else := sprintf("is classified %q", [field.classification])

# METADATA
# title: PII is not exposed in monitors
# description: >-
#   A monitor does not watch a PII field: its per-feature series and alerts would copy
#   personal data into the monitoring system.
# custom:
#   code: DATA-004
#   severity: error
#   applies_to: [monitors]
#   hint: "remove the field from the monitor's `features:`; watch a non-personal feature derived from it instead"
deny contains f if {
	some mon in input.monitors
	some i, feature in mon.features
	feature.pii
	f := lib.finding("DATA-004", sprintf("monitor %q watches the PII field %q", [mon.name, feature.name]), sprintf("%s.features[%d]", [mon.path, i]))
}

# Datasets some model trains on.
_training_data contains ref.dataset if {
	some m in input.models
	some ref in m.training.datasets
}

# METADATA
# title: PII a model uses states its purpose
# description: >-
#   Purpose limitation (GDPR art. 5(1)(b)): a PII field that a model takes as input, or that is
#   in a dataset a model trains on, states why it is processed (`purpose`).
# custom:
#   code: DATA-006
#   severity: error
#   applies_to: [datasets, models]
#   hint: "add `purpose: ...` to the field: why the model needs this personal data"
deny contains f if {
	some m in input.models
	some i, field in m.input_schema
	field.pii == true
	lib.blank(field, "purpose")
	f := lib.finding("DATA-006", sprintf("model %q takes the PII field %q as input without stating its purpose", [m.name, field.name]),
		sprintf("%s.input_schema[%d]", [m.path, i]))
}

deny contains f if {
	some ds in input.datasets
	ds.id in _training_data
	some i, field in ds.fields
	field.pii == true
	lib.blank(field, "purpose")
	f := lib.finding("DATA-006", sprintf("PII field %q of training dataset %q states no purpose", [field.name, ds.name]),
		sprintf("%s.fields[%d]", [ds.path, i]))
}
