package mlopsc.security.artifacts

import rego.v1

import data.mlopsc.lib

# METADATA
# title: Model artifacts are encrypted at rest
# description: A model in staging or production declares its artifact and that the store encrypts it at rest.
# custom:
#   code: SEC-007
#   severity: error
#   applies_to: [models]
#   hint: "add `artifact: {uri: ..., encrypted: true}`"
deny contains f if {
	some m in lib.models # stages as judged: raised to where the model serves
	m.artifact_encrypted != true # first: most models stop here
	m.stage in {"staging", "production"} # lib.released, inline
	f := lib.finding("SEC-007", sprintf("artifact of model %q in %s is not declared encrypted at rest", [m.name, m.stage]), sprintf("%s.artifact", [m.path]))
}
