"""OpenLineage static events of the flagship: datasets with schemas, jobs with inputs/outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlopsc import api
from mlopsc.cli import main
from mlopsc.errors import MlopscError
from mlopsc.lineage.openlineage import event_time, render

ROOT = Path(__file__).resolve().parents[2]


def events() -> list[dict]:
    ir = api.validate(api.Options(spec=str(ROOT / "mlops.yaml"))).ir
    return [json.loads(line) for line in render(ir).decode().splitlines()]


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_dataset_event_carries_the_contract_schema_and_owner():
    dataset = events()[0]
    assert dataset["eventTime"] == "1970-01-01T00:00:00Z"
    assert dataset["producer"] == "urn:mlopsc:" + __import__("mlopsc").__version__
    assert dataset["schemaURL"].endswith("#/$defs/DatasetEvent")
    body = dataset["dataset"]
    # Named as the OpenLineage naming spec names its location, s3://payments-lake/curated/…
    assert (body["namespace"], body["name"]) == ("s3://payments-lake", "curated/transactions")
    fields = body["facets"]["schema"]["fields"]
    assert [f["name"] for f in fields][:3] == ["transaction_id", "customer_id", "card_country"]
    assert fields[4] == {"name": "amount_eur", "type": "float", "ordinal_position": 5,
                         "fields": []}
    assert body["facets"]["ownership"]["owners"] == [{"name": "team-payments-data"}]
    assert body["facets"]["version"]["datasetVersion"] == "3.2.0"
    assert {"key": "pii", "value": "true", "field": "customer_id", "source": "MLOPSC"} in (
        body["facets"]["tags"]["tags"])


def test_job_events_link_inputs_to_outputs():
    jobs = {e["job"]["name"]: e for e in events() if "job" in e}
    training = jobs["fraud-training"]
    assert [(i["namespace"], i["name"]) for i in training["inputs"]] == [
        ("fraud-platform", "features/transaction-features"),
        ("s3://payments-lake", "curated/transactions")]
    assert [o["name"] for o in training["outputs"]] == ["models/fraud-detector"]
    assert training["job"]["facets"]["jobType"]["integration"] == "KUBEFLOW"
    assert [o["name"] for o in jobs["fraud-features"]["outputs"]] == [
        "features/transaction-features"]


def test_event_time_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763337600")
    assert {e["eventTime"] for e in events()} == {"2025-11-17T00:00:00Z"}


@pytest.mark.parametrize("epoch, expected", [
    ("1763337600", "2025-11-17T00:00:00Z"),
    ("253402300799", "9999-12-31T23:59:59Z"),
    ("0", "1970-01-01T00:00:00Z"),
    ("", "1970-01-01T00:00:00Z"),  # empty counts as unset
])
def test_event_time_of_every_source_date_epoch(monkeypatch, epoch, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert event_time() == expected


@pytest.mark.parametrize("epoch", ["253402300800", "-5", "1.5", "²", " 1", "soon"])
def test_a_malformed_source_date_epoch_is_refused(monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(MlopscError, match=r"SOURCE_DATE_EPOCH=.* is not a whole number"):
        event_time()


@pytest.mark.parametrize("command", ["validate", "compile"])
def test_a_malformed_source_date_epoch_is_exit_2_with_one_line(monkeypatch, capsys, tmp_path,
                                                                command):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "²")
    extra = ["-o", str(tmp_path / "out")] if command == "compile" else []
    assert main([command, str(ROOT / "mlops.yaml"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SOURCE_DATE_EPOCH='²'" in err
    assert not (tmp_path / "out").exists()


def findings(tmp_path, locations: dict[str, str]) -> list:
    """Validate the minimal example with its iris contract copied once per location."""
    import yaml

    spec = yaml.safe_load((ROOT / "examples/minimal/mlops.yaml").read_text())
    iris = spec["datasets"].pop("iris")
    for name, location in locations.items():
        spec["datasets"][name] = {**iris, "location": location}
    spec["pipelines"]["iris-train"]["inputs"] = [{"dataset": n} for n in locations]
    path = tmp_path / "mlops.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    result = api.validate(api.Options(spec=str(path)), targets=False)
    return [d for d in result.diagnostics if d.code in ("W586", "W587")]


def test_a_location_without_an_openlineage_name_is_w586(tmp_path):
    found = findings(tmp_path, {"iris": "warehouse.analytics.iris", "other": "s3://b/k"})
    assert [(d.code, str(d.path)) for d in found] == [("W586", "datasets.iris.location")]
    assert "'warehouse.analytics.iris' has no OpenLineage name" in found[0].message
    assert "s3://bucket/path" in found[0].hint


def test_two_contracts_with_one_openlineage_name_are_w587(tmp_path):
    found = findings(tmp_path, {"a": "s3://lake/t/", "b": "s3://lake/t", "c": "s3://lake/u"})
    assert [(d.code, str(d.path)) for d in found] == [("W587", "datasets.b.location")]
    assert found[0].message.startswith("datasets 'a' and 'b' are one OpenLineage dataset "
                                       "(s3://lake t)")


def test_the_examples_locations_are_named_except_churn_batch():
    # churn-batch's warehouse.analytics.customer_activity names no system: W586.
    for spec in sorted((ROOT / "examples").glob("*/mlops.yaml")) + [ROOT / "mlops.yaml"]:
        result = api.validate(api.Options(spec=str(spec)), targets=False)
        codes = {d.code for d in result.diagnostics} & {"W586", "W587"}
        assert codes == ({"W586"} if spec.parent.name == "churn-batch" else set()), spec
