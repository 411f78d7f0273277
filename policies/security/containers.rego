package mlopsc.security.containers

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# METADATA
# title: No privileged containers
# description: No pipeline step or deployment runs a privileged container.
# custom:
#   code: SEC-001
#   severity: error
#   applies_to: [pipelines, deployments]
deny contains f if {
	some c in lib.containers
	c.security.privileged == true
	f := lib.finding("SEC-001", sprintf("%s runs a privileged container", [c.what]), sprintf("%s.security.privileged", [c.path]))
}

# METADATA
# title: No host networking
# description: No pipeline step or deployment shares the node's network namespace.
# custom:
#   code: SEC-002
#   severity: error
#   applies_to: [pipelines, deployments]
deny contains f if {
	some c in lib.containers
	c.security.host_network == true
	f := lib.finding("SEC-002", sprintf("%s uses host networking", [c.what]), sprintf("%s.security.host_network", [c.path]))
}

# METADATA
# title: Containers run as non-root
# description: Every container runs as a non-root user (`run_as_non_root`, and never user 0).
# custom:
#   code: SEC-003
#   severity: error
#   applies_to: [pipelines, deployments]
deny contains f if {
	some c in lib.containers
	c.security.run_as_non_root != true
	f := lib.finding("SEC-003", sprintf("%s may run as root", [c.what]), sprintf("%s.security.run_as_non_root", [c.path]))
}

deny contains f if {
	some c in lib.containers
	c.security.run_as_user == 0
	f := lib.finding("SEC-003", sprintf("%s runs as user 0 (root)", [c.what]), sprintf("%s.security.run_as_user", [c.path]))
}

# METADATA
# title: Read-only root filesystem
# description: Every container mounts its root filesystem read-only and cannot escalate privileges.
# custom:
#   code: SEC-004
#   severity: error
#   applies_to: [pipelines, deployments]
deny contains f if {
	some c in lib.containers
	some key, bad in {"read_only_root_filesystem": false, "allow_privilege_escalation": true}
	c.security[key] == bad
	f := lib.finding("SEC-004", sprintf("%s sets %s: %v", [c.what, key, bad]), sprintf("%s.security.%s", [c.path, key]))
}

# METADATA
# title: Secrets only by reference
# description: >-
#   An environment variable whose name marks a secret (TOKEN, PASSWORD, SECRET, API_KEY, ...)
#   takes its value from a Secret reference, never a literal in the spec.
# custom:
#   code: SEC-005
#   severity: error
#   applies_to: [pipelines, deployments]
#   hint: "write `NAME: {secret: secret-name, key: key}`"
deny contains f if {
	some c in lib.containers
	some e in c.env
	e.value != null
	some marker in config.cfg.secret_name_markers
	contains(upper(e.name), marker)
	f := lib.finding("SEC-005", sprintf("%s sets %s as a literal value; take it from a Secret", [c.what, e.name]),
		sprintf("%s.env.%s", [c.path, e.name]))
}

# METADATA
# title: Images come from allowed registries
# description: >-
#   When the organisation lists `allowed_registries` (in `--data` or `governance.data`),
#   every image comes from one of them.
# custom:
#   code: SEC-006
#   severity: error
#   applies_to: [pipelines, deployments]
deny contains f if {
	allowed := config.cfg.allowed_registries
	count(allowed) > 0
	some c in lib.containers
	not _allowed(c.image, allowed)
	f := lib.finding("SEC-006", sprintf("image %q of %s is not from an allowed registry (%s)", [c.image, c.what, concat(", ", allowed)]),
		sprintf("%s.image", [c.path]))
}

_allowed(image, allowed) if {
	some prefix in allowed
	startswith(image, concat("", [trim_suffix(prefix, "/"), "/"]))
}
