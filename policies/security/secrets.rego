package mlopsc.security.secrets

import rego.v1

import data.mlopsc.lib

# Credentials recognised by their shape, whatever the variable is called. The patterns use
# only what RE2 (OPA) and Rust's regex (regorus) read alike: no look-around, no backreferences.
# A finding names the kind of credential and where it is, never the value: CI logs are public
# to more people than the spec's secrets are.
_shapes := {
	"an AWS access key id": `\b(AKIA|ASIA)[0-9A-Z]{16}\b`,
	"a private key": `-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`,
	"a GitHub token": `\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`,
	"a Slack token": `\bxox[abprs]-[A-Za-z0-9-]{10,}`,
	"a Google API key": `\bAIza[0-9A-Za-z_-]{35}\b`,
	"a Stripe live secret key": `\b(sk|rk)_live_[0-9A-Za-z]{24,}\b`,
}

# Where a secret is written beside its name; the captured group is the secret, which is
# reported unless it is a placeholder filled in at run time (see _placeholder).
_keyed := {
	# scheme://user:password@host (the user may be empty: redis://:password@host)
	"a password inside a URL": `[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`,
	# password=... in a query string, a libpq or JDBC key=value string, an .ini line
	"a password in a key=value string": `(?i)(?:^|[?&;\s])(?:password|passwd|pwd|pass)=([^&;\s]+)`,
	# --password=hunter2, --db-pass:hunter2 (one argument; two arguments: _flag)
	"a secret as a literal argument": `(?i)^--?[a-z0-9_-]*(?:password|passwd|pwd|pass|secret|token|api[-_]?key|credentials?)[=:](.+)$`,
}

# A flag whose value is the next argument: `--password hunter2`, `--password= hunter2`.
_flag := `(?i)^--?[a-z0-9_-]*(password|passwd|pwd|pass|secret|token|api[-_]?key|credentials?)[=:]?$`

# Run-time placeholders, exactly: Kubernetes' $(VAR), a shell's ${VAR}, Jinja's {{ ... }},
# Python's %(name)s. Anything else beginning with $, { or % is a literal (`$ecret99`).
_placeholder := `^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\{\{[^{}]*\}\}|%\([A-Za-z_][A-Za-z0-9_]*\)s)$`

# Every literal string a spec puts into a container or a dataset, with its path.
_literals contains [value, sprintf("%s.env.%s", [c.path, e.name])] if {
	some c in _containers
	some e in c.env
	is_string(e.value)
	value := e.value
}

_literals contains [value, sprintf("%s.%s[%d]", [c.path, field, i])] if {
	some c in _containers
	some field in ["command", "args"]
	some i, value in object.get(c, field, [])
}

_literals contains [ds.location, sprintf("%s.location", [ds.path])] if {
	some ds in input.datasets
	is_string(ds.location)
}

_literals contains [d.prediction_log.location, sprintf("%s.prediction_log.location", [d.path])] if {
	some d in input.deployments
	is_string(d.prediction_log.location)
}

_containers := array.concat([s | some p in input.pipelines; some s in p.steps], [d | some d in input.deployments])

# METADATA
# title: No credentials written into the spec
# description: >-
#   No environment value, command, argument or dataset location holds something shaped like
#   a credential (cloud keys, tokens, private keys, a password in a URL or a `--password`
#   argument), whatever it is called. Secrets come from Secret references.
# custom:
#   code: SEC-008
#   severity: error
#   applies_to: [pipelines, deployments, datasets]
#   hint: "rotate the credential now (it is in the repository's history), then take it from a Secret: `env: {NAME: {secret: name, key: key}}`"
deny contains f if {
	some [value, path] in _literals
	some kind, pattern in _shapes
	regex.match(pattern, value)
	f := lib.finding("SEC-008", sprintf("%s holds %s", [path, kind]), path)
}

deny contains f if {
	some [value, path] in _literals
	some kind, pattern in _keyed
	some match in regex.find_all_string_submatch_n(pattern, value, -1)
	not regex.match(_placeholder, match[1])
	f := lib.finding("SEC-008", sprintf("%s holds %s", [path, kind]), path)
}

deny contains f if {
	some c in _containers
	some field in ["command", "args"]
	values := object.get(c, field, [])
	some i, flag in values
	regex.match(_flag, flag)
	_literal_value(values, i + 1)
	path := sprintf("%s.%s[%d]", [c.path, field, i + 1])
	f := lib.finding("SEC-008", sprintf("%s passes a secret as a literal argument", [path]), path)
}

# The argument after a flag is a literal, not a placeholder filled in at run time.
_literal_value(values, i) if {
	i < count(values)
	value := values[i]
	value != ""
	not regex.match(_placeholder, value)
	not startswith(value, "-")
}
