package mlopsc.models.lineage

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Every model names its training pipeline
# description: The pipeline that trains a model is declared, so its lineage is complete.
# custom:
#   code: MDL-005
#   severity: error
#   applies_to: [models]
#   hint: "add `training: {pipeline: the-pipeline-that-trains-it}`"
deny contains f if {
	some m in input.models
	lib.blank(m.training, "pipeline")
	f := lib.finding("MDL-005", sprintf("model %q names no training pipeline", [m.name]), sprintf("%s.training", [m.path]))
}

# METADATA
# title: Every model names its training datasets
# description: The dataset versions a model was trained on are declared.
# custom:
#   code: MDL-006
#   severity: error
#   applies_to: [models]
#   hint: "add `training: {datasets: [{dataset: ..., version: \"1.0.0\"}]}`"
deny contains f if {
	some m in input.models
	count(m.training.datasets) == 0
	f := lib.finding("MDL-006", sprintf("model %q names no training dataset versions", [m.name]), sprintf("%s.training", [m.path]))
}

# METADATA
# title: Every model names its code version
# description: The source revision a model was trained from is declared (e.g. a git commit).
# custom:
#   code: MDL-007
#   severity: error
#   applies_to: [models]
#   hint: "add `training: {code_version: ...}` (e.g. the git commit it was trained from)"
deny contains f if {
	some m in input.models
	lib.blank(m.training, "code_version")
	f := lib.finding("MDL-007", sprintf("model %q names no code version", [m.name]), sprintf("%s.training", [m.path]))
}

# METADATA
# title: Every model names a pinned training image
# description: The training image is declared and pinned by a version tag or a digest.
# custom:
#   code: MDL-008
#   severity: error
#   applies_to: [models]
#   hint: "name a pinned training image: `training: {image: registry/name:1.2.3}` or `registry/name@sha256:...`"
deny contains f if {
	some m in input.models
	lib.blank(m.training, "image")
	f := lib.finding("MDL-008", sprintf("model %q names no training image", [m.name]), sprintf("%s.training", [m.path]))
}

deny contains f if {
	some m in input.models
	image := m.training.image
	is_string(image)
	not contains(image, "@sha256:") # a digest pins: most images stop here, without a call
	not lib.image_pinned(image)
	f := lib.finding("MDL-008", sprintf("training image %q of model %q is not pinned by a version tag or digest", [image, m.name]),
		sprintf("%s.training.image", [m.path]))
}

# METADATA
# title: No dataset reference is "latest"
# description: >-
#   Training datasets and pipeline inputs name a fixed contract version, never `latest`,
#   so that a model can be traced to the data it was trained on.
# custom:
#   code: MDL-009
#   severity: error
#   applies_to: [models, pipelines]
#   hint: "name the contract version, e.g. `{dataset: ..., version: \"1.2.0\"}`, never `latest`"
deny contains f if {
	some m in input.models
	some i, ref in m.training.datasets
	lower(ref.version) == "latest"
	f := lib.finding("MDL-009", sprintf("model %q trains on dataset %q version \"latest\"", [m.name, lib.name_of(ref.dataset)]),
		sprintf("%s.training.datasets[%d].version", [m.path, i]))
}

deny contains f if {
	some p in input.pipelines
	some i, ref in p.inputs
	lower(ref.version) == "latest"
	f := lib.finding("MDL-009", sprintf("pipeline %q reads dataset %q version \"latest\"", [p.name, lib.name_of(ref.dataset)]),
		sprintf("%s.inputs[%d].version", [p.path, i]))
}
