"""Pipelines that run as written: what KFP's API server and Airflow's scheduler would refuse
or run wrongly is fixed or reported by `validate`, checked in the real tools (kfp reloads the
IR, kfp_server_api reads the recurring run, Airflow's DagBag loads the DAG and the test
inspects its operator objects).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from kfp_server_api import ApiClient
from test_airflow import dagbag, write_dags
from test_kubeflow import IMAGE, reload

from mlopsc import api


def spec(orchestrator: str, **pipeline) -> dict:
    """A scheduled pipeline: `prepare` (no inputs) feeds `train` through an artifact."""
    steps = [
        {"name": "prepare", "image": IMAGE, "command": ["prep"],
         "args": ["--out", "$(outputs.data)"], "outputs": ["data"],
         "resources": {"cpu": "1", "memory": "1Gi"}},
        {"name": "train", "image": IMAGE, "command": ["train"],
         "args": ["--data", "$(inputs.data)", "--lr", "$(params.learning-rate)",
                  "--deep", "$(params.deep)", "--n", "$(params.rounds)"],
         "inputs": {"data": "prepare.data"},
         "resources": {"cpu": "1", "memory": "1Gi",
                       "gpu": {"count": 1, "type": "nvidia-tesla-t4"}},
         "tolerations": [{"key": "nvidia.com/gpu", "effect": "NoSchedule"},
                         {"key": "pool", "value": "gpu"}],
         "volumes": [{"name": "shm", "mount_path": "/dev/shm", "medium": "memory",
                      "size_limit": "1Gi"},
                     {"name": "data", "mount_path": "/data", "pvc": "datasets"}]},
    ]
    body = {"orchestrator": orchestrator, "owner": "team-ml", "schedule": "0 2 * * *",
            "parameters": {"learning-rate": {"type": "float", "default": 0.1},
                           "deep": {"type": "boolean", "default": False},
                           "rounds": {"type": "integer", "default": 6}},
            "service_account": "trainer", "image_pull_secrets": ["regcred"],
            "steps": steps, **pipeline}
    return {"apiVersion": "mlopsc/v1", "metadata": {"name": "run"},
            "environments": {"prod": {"tier": "production", "namespace": "ml-prod"}},
            "pipelines": {"train": body}}


def run(document: dict, tmp_path: Path, command=api.compile, **options):
    path = tmp_path / "mlops.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = command(api.Options(spec=str(path), **options))
    return result, {(d.code, d.path) for d in result.diagnostics}


def outputs(result) -> dict[str, bytes]:
    return {a.path: a.content for a in result.artifacts}


def airflow_dag(document: dict, tmp_path: Path, **options) -> dict:
    result, codes = run(document, tmp_path, targets=("airflow",), **options)
    assert not result.blocked(), codes
    folder = tmp_path / "dags"
    write_dags([a for a in result.artifacts if a.path.startswith("airflow/")], folder)
    loaded = dagbag(folder)
    assert loaded["import_errors"] == {}
    return loaded["dags"]["train"]


# ---------------------------------------------------------------- 1. the KFP recurring run
@pytest.mark.integration
def test_recurring_run_uses_the_ir_parameter_names(tmp_path):
    """The API server matches runtime parameters to the IR's inputs: `learning-rate` is
    `learning_rate` there. The run also carries the namespace and service account."""
    result, codes = run(spec("kubeflow"), tmp_path, targets=("kubeflow",), environment="prod")
    assert not result.blocked(), codes
    files = outputs(result)
    inputs = reload(files["kubeflow/train.yaml"], tmp_path)["inputs"]["parameters"]
    recurring = yaml.safe_load(files["kubeflow/train.recurring-run.yaml"])
    assert set(recurring["runtime_config"]["parameters"]) == set(inputs) == {
        "learning_rate", "deep", "rounds"}
    # kfp_server_api's own model reads every field (an unknown one would be dropped).
    model = ApiClient()._ApiClient__deserialize(recurring, "V2beta1RecurringRun")
    assert model.namespace == "ml-prod" and model.service_account == "trainer"
    assert model.runtime_config.parameters == {"learning_rate": 0.1, "deep": False,
                                               "rounds": 6}
    assert set(recurring) <= set(model.attribute_map)


def test_required_parameter_of_a_scheduled_kfp_pipeline_is_reported_by_validate(tmp_path):
    document = spec("kubeflow")
    document["pipelines"]["train"]["parameters"]["rounds"] = {"type": "integer"}
    result, codes = run(document, tmp_path, command=api.validate)
    assert ("W517", "pipelines.train.parameters.rounds") in codes
    message = next(d.message for d in result.diagnostics if d.code == "W517")
    assert "KFP refuses every scheduled run" in message


# ---------------------------------------------------------------- 2. defaults vs types
@pytest.mark.parametrize(("orchestrator", "param"), [
    ("kubeflow", {"type": "boolean", "default": "true"}),
    ("kubeflow", {"type": "integer", "default": 6.5}),
    ("airflow", {"type": "boolean", "default": "true"}),
    ("airflow", {"type": "integer", "default": 6.5}),
])
def test_default_of_the_wrong_type_stops_at_validate(orchestrator, param, tmp_path):
    document = spec(orchestrator, artifact_store={"pvc": "artifacts"})
    document["pipelines"]["train"]["parameters"]["rounds"] = param
    _, checked = run(document, tmp_path, command=api.validate)
    assert ("E332", "pipelines.train.parameters.rounds.default") in checked
    result, codes = run(document, tmp_path, targets=(orchestrator,))
    assert result.blocked() and not result.artifacts
    assert not {code for code, _ in codes if code.startswith("E5")}


@pytest.mark.integration
def test_airflow_param_defaults_are_valid(tmp_path):
    dag = airflow_dag(spec("airflow", artifact_store={"pvc": "artifacts"}), tmp_path)
    assert dag["params"] == {"learning-rate": 0.1, "deep": False, "rounds": 6}
    assert dag["param_types"] == {"learning-rate": "number", "deep": "boolean",
                                  "rounds": "integer"}


# ---------------------------------------------------------------- 3-8. Airflow step pods
@pytest.fixture(scope="module")
def airflow_pvc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("airflow-pvc")
    document = spec("airflow", artifact_store={"pvc": "ml-artifacts", "mount_path": "/art"},
                    timezone="Europe/Berlin")
    return airflow_dag(document, tmp, environment="prod")


@pytest.mark.integration
def test_airflow_pods_pass_the_restricted_profile(airflow_pvc):
    for task in airflow_pvc["tasks"].values():
        assert task["pod_security"] == {"runAsNonRoot": True,
                                        "seccompProfile": {"type": "RuntimeDefault"}}
        security = task["security"]
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True and security["runAsNonRoot"]
        # A read-only root needs a writable /tmp.
        assert {"name": "tmp", "emptyDir": {}} in task["volumes"]
        assert {"name": "tmp", "mountPath": "/tmp"} in task["volume_mounts"]


@pytest.mark.integration
def test_airflow_artifacts_live_on_the_shared_claim(airflow_pvc):
    tasks = airflow_pvc["tasks"]
    for task in tasks.values():
        assert {"name": "mlopsc-artifacts",
                "persistentVolumeClaim": {"claimName": "ml-artifacts"}} in task["volumes"]
        assert {"name": "mlopsc-artifacts", "mountPath": "/art"} in task["volume_mounts"]
    written = tasks["prepare"]["arguments"][1]
    assert written == "/art/train/RUN/prepare/data"
    assert tasks["train"]["arguments"][1] == written


@pytest.mark.integration
def test_airflow_artifacts_under_an_object_store_root(tmp_path):
    dag = airflow_dag(spec("airflow", artifact_store={"uri": "s3://bucket/ml"}), tmp_path)
    assert dag["tasks"]["train"]["arguments"][1] == "s3://bucket/ml/train/RUN/prepare/data"
    assert not [v for t in dag["tasks"].values() for v in t["volumes"]
                if v["name"] == "mlopsc-artifacts"]  # nothing to mount for an object store


def test_artifacts_without_a_store_are_reported_by_validate(tmp_path):
    _, codes = run(spec("airflow"), tmp_path, command=api.validate)
    assert ("W521", "pipelines.train.steps[0].outputs") in codes
    _, codes = run(spec("airflow", artifact_store={"uri": "s3://b", "pvc": "c"}), tmp_path,
                   command=api.validate)
    assert ("E338", "pipelines.train.artifact_store") in codes
    _, codes = run(spec("kubeflow"), tmp_path, command=api.validate)  # KFP has its own store
    assert not {code for code, _ in codes if code in ("W521", "E338")}


@pytest.mark.integration
def test_airflow_schedule_reads_the_spec_time_zone(airflow_pvc, tmp_path):
    assert airflow_pvc["schedule"]["timetable"] == "CronTriggerTimetable"
    assert airflow_pvc["timezone"] == "Europe/Berlin"
    document = spec("airflow", artifact_store={"pvc": "a"})
    document["pipelines"]["train"]["triggers"] = [{"type": "manual"}]
    plain = airflow_dag(document, tmp_path)
    assert plain["timezone"] == "UTC"  # explicit, not Airflow's configured default


def test_time_zone_checks(tmp_path):
    _, codes = run(spec("kubeflow", timezone="Europe/Berlin"), tmp_path, command=api.validate)
    assert ("W524", "pipelines.train.timezone") in codes
    _, codes = run(spec("kubeflow", timezone="Mars/Olympus"), tmp_path, command=api.validate)
    assert ("E337", "pipelines.train.timezone") in codes
    _, codes = run(spec("airflow", timezone="Europe/Berlin", artifact_store={"pvc": "a"}),
                   tmp_path, command=api.validate)
    assert not {code for code, _ in codes if code in ("W524", "E337")}


@pytest.mark.integration
def test_airflow_identity_placement_and_tolerations(airflow_pvc):
    for task in airflow_pvc["tasks"].values():
        assert task["namespace"] == "ml-prod"
        assert task["service_account"] == "trainer"
        assert task["pull_secrets"] == ["regcred"]
    assert airflow_pvc["tasks"]["train"]["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "pool", "operator": "Equal", "value": "gpu"}]


# ---------------------------------------------------------------- 6. KFP caching, 8. identity
@pytest.fixture(scope="module")
def kfp_ir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kfp-run")
    result, codes = run(spec("kubeflow"), tmp, targets=("kubeflow",))
    assert not result.blocked(), codes
    return reload(outputs(result)["kubeflow/train.yaml"], tmp)


@pytest.mark.integration
def test_scheduled_step_without_inputs_is_not_cached(kfp_ir):
    caching = {name: task.get("cachingOptions", {}).get("enableCache", False)
               for name, task in kfp_ir["tasks"].items()}
    assert caching == {"prepare": False, "train": True}


def test_explicit_cache_on_a_step_without_inputs_warns(tmp_path):
    document = spec("kubeflow")
    document["pipelines"]["train"]["steps"][0]["cache"] = True
    _, codes = run(document, tmp_path, command=api.validate)
    assert ("W525", "pipelines.train.steps[0].cache") in codes
    unscheduled = copy.deepcopy(document)
    del unscheduled["pipelines"]["train"]["schedule"]
    _, codes = run(unscheduled, tmp_path, command=api.validate)
    assert "W525" not in {code for code, _ in codes}


@pytest.mark.integration
def test_kfp_pull_secrets_and_tolerations(kfp_ir):
    k8s = kfp_ir["k8s"]
    for executor in ("exec-prepare", "exec-train"):
        assert [x["secretName"] for x in k8s[executor]["imagePullSecret"]] == ["regcred"]
    assert k8s["exec-train"]["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "pool", "operator": "Equal", "value": "gpu"}]


# ---------------------------------------------------------------- 7. GPU label values
@pytest.mark.integration
def test_gpu_type_in_the_form_of_each_label(kfp_ir, airflow_pvc, tmp_path):
    """One accelerator: NVIDIA feature discovery's product name on its label by default,
    GKE's accelerator id on GKE's label, in both targets."""
    assert kfp_ir["k8s"]["exec-train"]["nodeSelector"] == {
        "labels": {"nvidia.com/gpu.product": "Tesla-T4"}}
    assert airflow_pvc["tasks"]["train"]["node_selector"] == {
        "nvidia.com/gpu.product": "Tesla-T4"}
    gke = {"kubeflow.gpu-node-label": "cloud.google.com/gke-accelerator",
           "airflow.gpu-node-label": "cloud.google.com/gke-accelerator"}
    document = spec("kubeflow")
    document["pipelines"]["train"]["steps"][1]["resources"]["gpu"]["type"] = "Tesla-T4"
    result, codes = run(document, tmp_path, targets=("kubeflow",), settings=gke)
    assert not result.blocked(), codes
    ir_ = reload(outputs(result)["kubeflow/train.yaml"], tmp_path)
    assert ir_["k8s"]["exec-train"]["nodeSelector"] == {
        "labels": {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}}
    airflow = spec("airflow", artifact_store={"pvc": "a"})
    airflow["pipelines"]["train"]["steps"][1]["resources"]["gpu"]["type"] = "Tesla-T4"
    dag = airflow_dag(airflow, tmp_path, settings=gke)
    assert dag["tasks"]["train"]["node_selector"] == {
        "cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}


def test_unknown_gpu_type_is_reported_by_validate(tmp_path):
    document = spec("kubeflow")
    document["pipelines"]["train"]["steps"][1]["resources"]["gpu"]["type"] = "acme-x1"
    _, codes = run(document, tmp_path, command=api.validate)
    assert ("W526", "pipelines.train.steps[1].resources.gpu.type") in codes


# ---------------------------------------------------------------- 9. step volumes
@pytest.mark.integration
def test_step_volumes_in_both_targets(kfp_ir, airflow_pvc):
    """A memory-backed /dev/shm and a claim, in KFP's platform spec and on the Airflow pod."""
    train = kfp_ir["k8s"]["exec-train"]
    assert train["pvcMount"] == [{"constant": "datasets", "mountPath": "/data",
                                  "pvcNameParameter": {"runtimeValue": {
                                      "constant": "datasets"}}}]
    assert train["emptyDirMounts"] == [{"volumeName": "shm", "mountPath": "/dev/shm",
                                        "medium": "Memory", "sizeLimit": "1Gi"}]
    task = airflow_pvc["tasks"]["train"]
    assert {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}} \
        in task["volumes"]
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "datasets"}} \
        in task["volumes"]
    assert {"name": "shm", "mountPath": "/dev/shm"} in task["volume_mounts"]
    assert {"name": "data", "mountPath": "/data"} in task["volume_mounts"]


def test_volume_clashes_are_reported_by_validate(tmp_path):
    document = spec("airflow", artifact_store={"pvc": "a", "mount_path": "/art"})
    document["pipelines"]["train"]["steps"][0]["volumes"] = [
        {"name": "tmp", "mount_path": "/scratch"},
        {"name": "x", "mount_path": "/art"},
        {"name": "y", "mount_path": "/y", "pvc": "c", "medium": "memory"}]
    _, codes = run(document, tmp_path, command=api.validate)
    at = "pipelines.train.steps[0].volumes"
    assert {("E339", f"{at}[0].name"), ("E339", f"{at}[1].mount_path"),
            ("E339", f"{at}[2]")} <= codes
