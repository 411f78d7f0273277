package mlopsc.deployments.serving

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# METADATA
# title: Online production serving autoscales
# description: An online or streaming deployment in production has autoscaling.
# custom:
#   code: DEP-001
#   severity: error
#   applies_to: [deployments]
#   hint: "add `autoscaling: {min_replicas: 2, max_replicas: N}`"
deny contains f if {
	some d in input.deployments
	lib.production_deployment(d)
	lib.serving(d)
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
deny contains f if {
	some d in input.deployments
	lib.production_deployment(d)
	lib.serving(d)
	least := _least_replicas(d)
	least < config.cfg.min_production_replicas
	f := lib.finding("DEP-002", sprintf("%s deployment %q in %s may run %d replica(s); at least %d are required",
		[d.mode, d.name, d.environment, least, config.cfg.min_production_replicas]), _replicas_path(d))
}

_least_replicas(d) := d.autoscaling.min_replicas

_least_replicas(d) := d.replicas if {
	lib.blank(d, "autoscaling")
	is_number(d.replicas)
}

_replicas_path(d) := sprintf("%s.autoscaling.min_replicas", [d.path]) if not lib.blank(d, "autoscaling")

_replicas_path(d) := sprintf("%s.replicas", [d.path]) if lib.blank(d, "autoscaling")
