package mlopsc.models.lineage

import rego.v1

import data.mlopsc.lib.fixtures

test_compliant_platform_passes if {
	count(deny) == 0 with input as fixtures.doc
}

test_no_training_pipeline if {
	deny == {{"code": "MDL-005", "msg": "model \"m\" names no training pipeline", "path": "models.m.training"}}
		with input as fixtures.with_model({"training": {"pipeline": null}})
}

test_no_training_datasets if {
	fixtures.codes(deny) == {"MDL-006"} with input as fixtures.with_model({"training": {"datasets": []}})
}

test_no_code_version if {
	fixtures.codes(deny) == {"MDL-007"} with input as fixtures.with_model({"training": {"code_version": ""}})
}

test_no_training_image if {
	fixtures.codes(deny) == {"MDL-008"} with input as fixtures.with_model({"training": {"image": null}})
}

test_unpinned_training_image if {
	deny == {{"code": "MDL-008", "msg": "training image \"ghcr.io/acme/train:latest\" of model \"m\" is not pinned by a version tag or digest", "path": "models.m.training.image"}}
		with input as fixtures.with_model({"training": {"image": "ghcr.io/acme/train:latest"}})
	fixtures.codes(deny) == {"MDL-008"} with input as fixtures.with_model({"training": {"image": "registry:5000/train"}})
	count(deny) == 0 with input as fixtures.with_model({"training": {"image": "registry:5000/train:1.2"}})
}

test_latest_training_dataset if {
	doc := fixtures.with_model({"training": {"datasets": [{"dataset": "dataset:d", "version": "latest"}]}})
	deny == {{"code": "MDL-009", "msg": "model \"m\" trains on dataset \"d\" version \"latest\"", "path": "models.m.training.datasets[0].version"}} with input as doc
}

test_latest_pipeline_input if {
	doc := fixtures.with_pipeline({"inputs": [{"dataset": "dataset:d", "version": "Latest"}]})
	{f.path | some f in deny} == {"pipelines.p.inputs[0].version"} with input as doc
}
