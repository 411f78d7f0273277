package mlopsc.lib

import rego.v1

import data.mlopsc.lib.config
import data.mlopsc.lib.fixtures

# The helpers are documented for user policies (docs/policies.md), and the default rules
# inline some of them in hot loops: each is tested here for itself.

test_blank if {
	every v in [null, false, "", " ", "\t\n", "\u00a0", "\u3000"] {
		blank({"k": v}, "k")
	}
	every v in ["x", "!", "~", "~x", " x ", "\u00e9", 0, 1, true, [], {}, ["x"]] {
		not blank({"k": v}, "k")
	}
	blank({}, "k")
	blank(null, "k")
	blank("k", "k")
	blank({"k"}, "k")
}

test_name_of if {
	name_of("model:fraud-detector") == "fraud-detector"
	name_of("pipeline:train/step:fit") == "train/step:fit"
}

# Helpers that read the input or the configuration are tested through rules: `with` replaces
# the input for the rules a query evaluates.
_production := {d.name | some d in input.deployments; production_deployment(d)}

_serving := {d.name | some d in input.deployments; serving(d)}

test_production_and_serving if {
	_production == {"web", "web-shadow"} with input as fixtures.doc
	staging := fixtures.with_deployment({"environment": "staging", "environment_tier": "staging", "mode": "batch"})
	_production == {"web-shadow"} with input as staging
	# The tier decides, never the name: "live" in production, "prod" in development.
	_production == {"web", "web-shadow"} with input as fixtures.with_deployment({"environment": "live"})
	_production == {"web-shadow"} with input as fixtures.with_deployment({"environment_tier": "development"})
	_serving == {"web-shadow"} with input as staging
	_serving == {"web", "web-shadow"} with input as fixtures.with_deployment({"mode": "streaming"})
}

test_released_and_production_model if {
	released(fixtures.model)
	production_model(fixtures.model)
	staging := object.union(fixtures.model, {"stage": "staging"})
	released(staging)
	not production_model(staging)
	not released(object.union(fixtures.model, {"stage": "development"}))
}

_released := {m.name | some m in input.models; released(m)}

_production_models := {m.name | some m in input.models; production_model(m)}

test_stage_is_raised_to_where_the_model_serves if {
	dev := fixtures.with_model({"stage": "development"})
	stages == {"m": "production"} with input as dev
	_production_models == {"m"} with input as dev
	_released == {"m"} with input as fixtures.in_staging(dev)
	_production_models == set() with input as fixtures.in_staging(dev)
	_released == set() with input as fixtures.unserved(dev)
	[m.stage | some m in models] == ["staging"] with input as fixtures.in_staging(dev)
	[m.registry_stage | some m in models] == ["development"] with input as fixtures.in_staging(dev)
	[[m.stage, object.get(m, "registry_stage", "-")] | some m in models] == [["production", "-"]] with input as fixtures.doc
}

_tiers := {m.name: tier(m) | some m in input.models}

test_tier if {
	_tiers == {"m": config.tiers.high} with input as fixtures.doc
	_tiers == {"m": config.tiers.medium} with input as fixtures.with_model({"risk_tier": null})
	_tiers == {"m": config.tiers.medium} with input as fixtures.with_model({"risk_tier": ""})
	_tiers == {} with input as fixtures.with_model({"risk_tier": "extreme"})
}

test_images if {
	image_has_digest(fixtures.step.image)
	not image_has_digest("ghcr.io/acme/train:1.0")
	image_pinned(fixtures.step.image)
	image_pinned("ghcr.io/acme/train:1.0")
	image_pinned("localhost:5000/train:1.0")
	not image_pinned("ghcr.io/acme/train:latest")
	not image_pinned("ghcr.io/acme/train")
	not image_pinned("localhost:5000/train")
}

test_containers if {
	{c.path: c.what | some c in containers} == {
		"pipelines.p.steps[0]": "step \"train\" of pipeline \"p\"",
		"deployments.web": "deployment \"web\"",
		"deployments.web-shadow": "deployment \"web-shadow\"",
	} with input as fixtures.doc
}

_trained_on := {m.name: training_datasets(m) | some m in input.models}

test_training_datasets if {
	trained_on := _trained_on with input as fixtures.doc
	trained_on == {"m": [fixtures.dataset]}
}
