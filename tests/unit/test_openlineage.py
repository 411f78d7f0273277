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
