package mlopsc.pipelines.steps

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_unpinned_step_image if {
	doc := fixtures.with_step({"image": "ghcr.io/acme/train"})
	fixtures.codes(deny) == {"PIPE-001", "PIPE-002"} with input as doc
	{f.path | some f in deny} == {"pipelines.p.steps[0].image"} with input as doc
}

test_tag_is_enough_outside_production if {
	doc := fixtures.in_staging(object.union(fixtures.with_step({"image": "ghcr.io/acme/train:1.2.0"}), {"models": {"m": {"stage": "staging"}}}))
	count(deny) == 0 with input as doc
}

test_production_needs_digest if {
	doc := fixtures.with_step({"image": "ghcr.io/acme/train:1.2.0"})
	deny == {{"code": "PIPE-002", "msg": "step \"train\" of pipeline \"p\" trains production model \"m\", so its image must be pinned by digest", "path": "pipelines.p.steps[0].image"}} with input as doc
}

test_resources_requested if {
	fixtures.codes(deny) == {"PIPE-003"} with input as fixtures.with_step({"resources": null})
	{f.msg | some f in deny} == {"step \"train\" of pipeline \"p\" requests no memory"} with input as fixtures.with_step({"resources": {"memory": null}})
}

test_retries_bounded if {
	deny == {{"code": "PIPE-004", "msg": "step \"train\" of pipeline \"p\" retries 50 times; at most 5 are allowed", "path": "pipelines.p.steps[0].retries.limit"}}
		with input as fixtures.with_step({"retry": {"limit": 50}})
	count(deny) == 0 with input as fixtures.with_step({"retry": {"limit": 50}}) with data.org as {"max_retries": 60}
}

test_continuous_training_needs_trigger if {
	doc := fixtures.with_pipeline({"triggers": [{"type": "manual"}]})
	deny == {{"code": "PIPE-005", "msg": "model \"m\" is trained continuously but its pipeline has no data-change, drift or performance trigger", "path": "models.m.training.continuous"}} with input as doc
}
