package mlopsc.deployments.serving

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_production_online_needs_autoscaling if {
	doc := fixtures.with_deployment({"autoscaling": null, "replicas": 4})
	deny == {{"code": "DEP-001", "msg": "online deployment \"web\" in prod has no autoscaling", "path": "deployments.web.autoscaling"}} with input as doc
}

test_batch_and_dev_are_not_judged if {
	count(deny) == 0 with input as fixtures.with_deployment({"autoscaling": null, "mode": "batch"})
	count(deny) == 0 with input as fixtures.with_deployment({"autoscaling": null, "environment": "prod", "environment_tier": "development"})
}

test_min_two_replicas if {
	doc := fixtures.with_deployment({"autoscaling": {"min_replicas": 1}})
	deny == {{"code": "DEP-002", "msg": "online deployment \"web\" in prod may run 1 replica(s); at least 2 are required", "path": "deployments.web.autoscaling.min_replicas"}} with input as doc
	{f.path | some f in deny} == {"deployments.web.autoscaling", "deployments.web.replicas"} with input as fixtures.with_deployment({"autoscaling": null, "replicas": 1})
}

test_the_tier_decides_not_the_name if {
	doc := fixtures.with_deployment({"autoscaling": null, "environment": "live"})
	fixtures.codes(deny) == {"DEP-001"} with input as doc
	fixtures.codes(deny) == {"DEP-001"} with input as doc with data.org as {"production_environments": []}
}

test_serving_image_pinned if {
	count(warn) == 0 with input as fixtures.doc
	count(warn) == 0 with input as fixtures.with_deployment({"environment_tier": "staging", "image": "localhost:5000/serve:1.0"})
	warn == {{"code": "DEP-008", "msg": "image \"ghcr.io/acme/serve\" of deployment \"web\" is not pinned by a version tag or digest", "path": "deployments.web.image"}}
		with input as fixtures.with_deployment({"environment_tier": "staging", "image": "ghcr.io/acme/serve"})
	{f.path | some f in warn} == {"deployments.web.image"} with input as fixtures.with_deployment({"environment_tier": "staging", "image": "ghcr.io/acme/serve:latest"})
}

test_production_serving_images_are_pinned if {
	deny == {{"code": "DEP-009", "msg": "production deployment \"web\" serves image \"ghcr.io/acme/serve:latest\", which is not pinned by a version tag or digest", "path": "deployments.web.image"}}
		with input as fixtures.with_deployment({"image": "ghcr.io/acme/serve:latest"})
	count(deny) == 0 with input as fixtures.with_deployment({"image": "ghcr.io/acme/serve:latest", "environment_tier": "staging"})
	count(deny) == 0 with input as fixtures.with_deployment({"image": "ghcr.io/acme/serve:2.0"})
	count(warn) == 0 with input as fixtures.with_deployment({"image": "ghcr.io/acme/serve:latest"})
}

test_production_serving_requests_resources if {
	{f.msg | some f in deny} == {"deployment \"web\" in prod has no CPU request, no memory limit"} with input as fixtures.with_deployment({"resources": {"cpu": " ", "memory_limit": null}})
	{f.path | some f in deny} == {"deployments.web.resources"} with input as json.patch(fixtures.doc, [{"op": "remove", "path": "/deployments/web/resources"}])
	staging := fixtures.with_deployment({"environment": "stg", "environment_tier": "staging", "resources": null})
	count([f | some f in deny; f.code == "DEP-010"]) == 0 with input as staging
}
