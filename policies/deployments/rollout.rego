package mlopsc.deployments.rollout

import rego.v1

import data.mlopsc.lib
import data.mlopsc.lib.config

# METADATA
# title: A canary starts small
# description: The first canary step sends at most `canary_max_first_weight` percent of traffic (default 10).
# custom:
#   code: DEP-003
#   severity: error
#   applies_to: [deployments]
#   hint: "start at `canary_max_first_weight` (default 10) or less, e.g. `steps: [{weight: 5, pause: 10m}, {weight: 50, pause: 10m}, {weight: 100}]`"
deny contains f if {
	most := config.cfg.canary_max_first_weight
	some d in input.deployments
	d.rollout.strategy == "canary"
	first := d.rollout.steps[0].weight
	first > most
	f := lib.finding("DEP-003", sprintf("canary of deployment %q starts at %d%% of traffic; at most %d%% is allowed",
		[d.name, first, most]), sprintf("%s.rollout.steps[0].weight", [d.path]))
}

# METADATA
# title: A canary is analysed against an SLO
# description: A canary rollout has analysis tied to at least one SLO, so a bad version stops by itself.
# custom:
#   code: DEP-005
#   severity: error
#   applies_to: [deployments]
#   hint: "add `analysis: {slos: [an-slo-of-this-deployment]}`"
deny contains f if {
	some d in input.deployments
	d.rollout.strategy == "canary"
	count([s | some s in d.rollout.analysis.slos]) == 0
	f := lib.finding("DEP-005", sprintf("canary of deployment %q has no analysis tied to an SLO", [d.name]), sprintf("%s.rollout", [d.path]))
}

# METADATA
# title: Every rollout has a rollback trigger
# description: >-
#   An online or streaming deployment in production declares at least one condition (SLO
#   breach, error rate, latency, drift) that rolls it back, whatever its strategy.
# custom:
#   code: DEP-006
#   severity: error
#   applies_to: [deployments]
#   hint: "add `rollback: [{type: slo_breach, slo: an-slo-of-this-deployment}]` to `rollout:` (or `error_rate`/`latency` with a `threshold`, `drift` with a `monitor`)"
deny contains f if {
	some d in input.deployments
	d.environment_tier == "production" # lib.production_deployment and lib.serving, inline
	d.mode in {"online", "streaming"}
	count(d.rollout.rollback) == 0
	f := lib.finding("DEP-006", sprintf("%s rollout of deployment %q has no rollback trigger", [d.rollout.strategy, d.name]), sprintf("%s.rollout", [d.path]))
}
