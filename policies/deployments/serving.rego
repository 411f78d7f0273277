package mlopsc.deployments.serving

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# Production deployments that answer users (`lib.production_deployment` and `lib.serving`,
# checked inline), found once for both rules.
_judged := [d |
	some d in input.deployments
	d.environment_tier == "production"
	d.mode in {"online", "streaming"}
]

# METADATA
# title: Online production serving autoscales
# description: An online or streaming deployment in production has autoscaling.
# custom:
#   code: DEP-001
#   severity: error
#   applies_to: [deployments]
#   hint: "add `autoscaling: {min_replicas: 2, max_replicas: N}`"
deny contains f if {
	some d in _judged
	not is_object(d.autoscaling) # an autoscaling object is not blank: most stop here
	lib.blank(d, "autoscaling")
	f := lib.finding("DEP-001", sprintf("%s deployment %q in %s has no autoscaling", [d.mode, d.name, d.environment]), sprintf("%s.autoscaling", [d.path]))
}

# METADATA
# title: Online production serving keeps two replicas
# description: An online or streaming deployment in production never scales below `min_production_replicas` (default 2).
# custom:
#   code: DEP-002
#   severity: error
#   applies_to: [deployments]
#   hint: "raise the floor to `min_production_replicas` (default 2): `autoscaling: {min_replicas: 2, max_replicas: N}`, or `replicas: 2` without autoscaling"
deny contains f if {
	fewest := config.cfg.min_production_replicas
	some d in _judged
	least := _least_replicas(d)
	least < fewest
	f := lib.finding("DEP-002", sprintf("%s deployment %q in %s may run %d replica(s); at least %d are required",
		[d.mode, d.name, d.environment, least, fewest]), _replicas_path(d))
}

# An else chain: the two cases exclude each other, and the second (a helper call) is then
# only evaluated for deployments without autoscaling.
_least_replicas(d) := least if {
	least := d.autoscaling.min_replicas
} else := d.replicas if {
	lib.blank(d, "autoscaling")
	is_number(d.replicas)
}

_replicas_path(d) := sprintf("%s.autoscaling.min_replicas", [d.path]) if not lib.blank(d, "autoscaling")

_replicas_path(d) := sprintf("%s.replicas", [d.path]) if lib.blank(d, "autoscaling")

# METADATA
# title: Serving images are pinned
# description: >-
#   Every deployment's image is pinned by a version tag (not `latest`) or a digest, so that
#   a rollout serves the bytes that were reviewed. (In a production-tier environment DEP-009
#   makes it an error.)
# custom:
#   code: DEP-008
#   severity: warning
#   applies_to: [deployments]
#   hint: "pin the image by a version tag or digest, e.g. `image: registry/name:1.4.2` or `registry/name@sha256:...`"
warn contains f if {
	some d in input.deployments
	not contains(d.image, "@sha256:") # a digest pins: most images stop here, without a call
	d.environment_tier != "production" # there DEP-009 blocks
	not lib.image_pinned(d.image)
	f := lib.finding("DEP-008", sprintf("image %q of deployment %q is not pinned by a version tag or digest", [d.image, d.name]),
		sprintf("%s.image", [d.path]))
}

# METADATA
# title: Production serving images are pinned
# description: >-
#   A deployment in a production-tier environment serves an image pinned by a version tag
#   (not `latest`) or a digest: an error there, where DEP-008 only warns elsewhere.
# custom:
#   code: DEP-009
#   severity: error
#   applies_to: [deployments]
#   hint: "pin the image by a version tag or digest, e.g. `image: registry/name:1.4.2` or `registry/name@sha256:...`"
deny contains f if {
	some d in input.deployments
	d.environment_tier == "production"
	not contains(d.image, "@sha256:")
	not lib.image_pinned(d.image)
	f := lib.finding("DEP-009", sprintf("production deployment %q serves image %q, which is not pinned by a version tag or digest", [d.name, d.image]),
		sprintf("%s.image", [d.path]))
}

# METADATA
# title: Production serving requests resources and caps its memory
# description: >-
#   Every deployment in production (a shadow too: it runs beside the live pods) requests CPU
#   and memory, so the scheduler places it where it fits and autoscaling on utilisation has a
#   base, and limits its memory, so a leak ends in a restart of its own pod rather than
#   evictions of its neighbours.
# custom:
#   code: DEP-010
#   severity: error
#   applies_to: [deployments]
#   hint: "add `resources: {cpu: 500m, memory: 1Gi, memory_limit: 1Gi}`"
deny contains f if {
	some d in input.deployments
	d.environment_tier == "production"
	resources := object.get(d, "resources", null)
	gaps := [what |
		some [key, what] in [["cpu", "no CPU request"], ["memory", "no memory request"], ["memory_limit", "no memory limit"]]
		lib.blank(resources, key)
	]
	count(gaps) > 0
	f := lib.finding("DEP-010", sprintf("deployment %q in %s has %s", [d.name, d.environment, concat(", ", gaps)]), sprintf("%s.resources", [d.path]))
}
