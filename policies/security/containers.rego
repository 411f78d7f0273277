package mlopsc.security.containers

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# Every container: each pipeline step with the name of its pipeline, then each deployment
# (pipeline null). An array of the input's own objects built once, rather than
# `lib.containers`: a compliant container then costs no string formatting and no set
# insertion; `_what` describes a container only for a finding.
_containers := array.concat(
	[[s, p.name] | some p in input.pipelines; some s in p.steps],
	[[d, null] | some d in input.deployments],
)

_what(c, null) := sprintf("deployment %q", [c.name])

_what(c, pipeline) := sprintf("step %q of pipeline %q", [c.name, pipeline]) if pipeline != null

# The security settings every container gets when the spec says nothing (the IR's
# defaults). SEC-001 to SEC-004 cannot fail on them, so those rules judge only the
# containers whose settings differ: one comparison per container instead of six checks.
_safe := {
	"run_as_non_root": true, "run_as_user": null, "privileged": false, "host_network": false,
	"read_only_root_filesystem": true, "allow_privilege_escalation": false,
}

_other_settings := [[c, pipeline] |
	safe := _safe # a rule referred to inside a loop is looked up on every pass
	some [c, pipeline] in _containers
	c.security != safe
]

# METADATA
# title: No privileged containers
# description: No pipeline step or deployment runs a privileged container.
# custom:
#   code: SEC-001
#   severity: error
#   applies_to: [pipelines, deployments]
#   hint: "remove `privileged: true` from `security:` (the default is `false`)"
deny contains f if {
	some [c, pipeline] in _other_settings
	c.security.privileged == true
	f := lib.finding("SEC-001", sprintf("%s runs a privileged container", [_what(c, pipeline)]), sprintf("%s.security.privileged", [c.path]))
}

# METADATA
# title: No host networking
# description: No pipeline step or deployment shares the node's network namespace.
# custom:
#   code: SEC-002
#   severity: error
#   applies_to: [pipelines, deployments]
#   hint: "remove `host_network: true` from `security:` (the default is `false`)"
deny contains f if {
	some [c, pipeline] in _other_settings
	c.security.host_network == true
	f := lib.finding("SEC-002", sprintf("%s uses host networking", [_what(c, pipeline)]), sprintf("%s.security.host_network", [c.path]))
}

# METADATA
# title: Containers run as non-root
# description: Every container runs as a non-root user (`run_as_non_root`, and never user 0).
# custom:
#   code: SEC-003
#   severity: error
#   applies_to: [pipelines, deployments]
#   hint: "remove `run_as_non_root: false` and `run_as_user: 0` from `security:` (the default runs as non-root)"
deny contains f if {
	some [c, pipeline] in _other_settings
	c.security.run_as_non_root != true
	f := lib.finding("SEC-003", sprintf("%s may run as root", [_what(c, pipeline)]), sprintf("%s.security.run_as_non_root", [c.path]))
}

deny contains f if {
	some [c, pipeline] in _other_settings
	c.security.run_as_user == 0
	f := lib.finding("SEC-003", sprintf("%s runs as user 0 (root)", [_what(c, pipeline)]), sprintf("%s.security.run_as_user", [c.path]))
}

# METADATA
# title: Read-only root filesystem
# description: Every container mounts its root filesystem read-only and cannot escalate privileges.
# custom:
#   code: SEC-004
#   severity: error
#   applies_to: [pipelines, deployments]
#   hint: "remove `read_only_root_filesystem: false` and `allow_privilege_escalation: true` from `security:` (the defaults are the secure ones)"
deny contains f if {
	some [c, pipeline] in _other_settings
	some key, bad in {"read_only_root_filesystem": false, "allow_privilege_escalation": true}
	c.security[key] == bad
	f := lib.finding("SEC-004", sprintf("%s sets %s: %v", [_what(c, pipeline), key, bad]), sprintf("%s.security.%s", [c.path, key]))
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
	some [c, pipeline] in _containers
	some e in c.env
	e.value != null
	some marker in config.cfg.secret_name_markers
	contains(upper(e.name), marker)
	f := lib.finding("SEC-005", sprintf("%s sets %s as a literal value; take it from a Secret", [_what(c, pipeline), e.name]),
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
#   hint: "pull the image from one of the `allowed_registries` (copy it into an allowed registry first)"
deny contains f if {
	allowed := config.cfg.allowed_registries
	count(allowed) > 0
	some [c, pipeline] in _containers
	not _allowed(c.image, allowed)
	f := lib.finding("SEC-006", sprintf("image %q of %s is not from an allowed registry (%s)", [c.image, _what(c, pipeline), concat(", ", allowed)]),
		sprintf("%s.image", [c.path]))
}

_allowed(image, allowed) if {
	some prefix in allowed
	startswith(image, concat("", [trim_suffix(prefix, "/"), "/"]))
}
