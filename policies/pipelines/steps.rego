package mlopsc.pipelines.steps

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# Steps whose image has no digest, with their pipeline. A digest pins an image, so PIPE-001
# and PIPE-002 judge only these: one inline check per step, found once for both rules,
# instead of a helper call per step in each.
_undigested := [[p, s] |
	some p in input.pipelines
	some s in p.steps
	not contains(s.image, "@sha256:")
]

# METADATA
# title: Step images are pinned
# description: Every pipeline step's image is pinned by a version tag (not `latest`) or a digest.
# custom:
#   code: PIPE-001
#   severity: error
#   applies_to: [pipelines]
#   hint: "pin the image by a version tag or digest, e.g. `image: registry/name:1.4.2` or `registry/name@sha256:...`"
deny contains f if {
	some [p, s] in _undigested
	not lib.image_pinned(s.image)
	f := lib.finding("PIPE-001", sprintf("image %q of step %q (pipeline %q) is not pinned by a version tag or digest", [s.image, s.name, p.name]),
		sprintf("%s.image", [s.path]))
}

# A pipeline is in production when it trains a production model.
_production(p) if {
	not lib.blank(p, "model")
	lib.stages[lib.name_of(p.model)] == "production"
}

# METADATA
# title: Production step images are pinned by digest
# description: >-
#   A pipeline that trains a production model pins every step image by digest
#   (`@sha256:...`): a tag can be moved to other bytes, a digest cannot.
# custom:
#   code: PIPE-002
#   severity: error
#   applies_to: [pipelines]
#   hint: "pin the step image by digest: `image: registry/name@sha256:...`"
deny contains f if {
	some [p, s] in _undigested
	_production(p)
	f := lib.finding("PIPE-002", sprintf("step %q of pipeline %q trains production model %q, so its image must be pinned by digest",
		[s.name, p.name, lib.name_of(p.model)]), sprintf("%s.image", [s.path]))
}

# METADATA
# title: Steps request resources
# description: Every step requests CPU and memory, so it is scheduled where it fits.
# custom:
#   code: PIPE-003
#   severity: error
#   applies_to: [pipelines]
#   hint: "add `resources: {cpu: 500m, memory: 1Gi}` to the step"
deny contains f if {
	some p in input.pipelines
	some s in p.steps
	s.resources == null
	some what in ["cpu", "memory"]
	f := lib.finding("PIPE-003", sprintf("step %q of pipeline %q requests no %s", [s.name, p.name, what]), sprintf("%s.resources", [s.path]))
}

deny contains f if {
	some p in input.pipelines
	some s in p.steps
	some what in ["cpu", "memory"]
	s.resources[what] == null
	f := lib.finding("PIPE-003", sprintf("step %q of pipeline %q requests no %s", [s.name, p.name, what]), sprintf("%s.resources", [s.path]))
}

# METADATA
# title: Retries are bounded
# description: A step retries at most `max_retries` times (default 5); endless retries hide failures and burn capacity.
# custom:
#   code: PIPE-004
#   severity: error
#   applies_to: [pipelines]
#   hint: "lower `retries: {limit: N}` to at most `max_retries` (default 5); a `backoff:` spaces the attempts instead"
deny contains f if {
	most := config.cfg.max_retries # once, not once per step
	some p in input.pipelines
	some s in p.steps
	s.retry.limit > most
	f := lib.finding("PIPE-004", sprintf("step %q of pipeline %q retries %d times; at most %d are allowed", [s.name, p.name, s.retry.limit, most]),
		sprintf("%s.retries.limit", [s.path]))
}

# METADATA
# title: Continuously trained models have a retraining trigger
# description: >-
#   A model marked `training.continuous` is trained by a pipeline with a data-change, drift
#   or performance trigger.
# custom:
#   code: PIPE-005
#   severity: error
#   applies_to: [models]
#   hint: "add a trigger to the training pipeline: `triggers: [{type: data_change, dataset: ...}]` (or `drift`/`performance` with a `monitor:`)"
deny contains f if {
	some m in input.models
	m.training.continuous
	not _has_trigger(m)
	f := lib.finding("PIPE-005", sprintf("model %q is trained continuously but its pipeline has no data-change, drift or performance trigger", [m.name]),
		sprintf("%s.training.continuous", [m.path]))
}

_has_trigger(m) if {
	p := input.pipelines[lib.name_of(m.training.pipeline)]
	some t in p.triggers
	t.type in {"data_change", "drift", "performance"}
}
