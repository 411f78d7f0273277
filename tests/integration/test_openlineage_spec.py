"""OpenLineage events that are complete and joinable: every edge of the lineage graph is a
job input or output, datasets are named as the naming spec (and openlineage-python's own
naming classes) name their location, the facets carry version, PII and classification
tags and owners, and every event and facet validates against the OpenLineage spec's JSON
schemas as openlineage-python's generated models hold them (ol_models.py; see
tests/fixtures/openlineage/SOURCE.md for why the schema files are not vendored)."""

from __future__ import annotations

import copy
import datetime
import importlib.metadata
import json
from pathlib import Path

import ol_models
import pytest
from conftest import ROOT, example_id, example_specs
from openlineage.client.naming import dataset as ol_naming

from mlopsc import api
from mlopsc.lineage.naming import dataset_name
from mlopsc.lineage.openlineage import name_of, render, static_events
from mlopsc.passes.build_lineage import build_lineage

DATA = ("dataset", "feature-set", "model")


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def lowered(spec: Path):
    return api.validate(api.Options(spec=str(spec)), targets=False).ir


def jobs_of(events: list[dict]) -> dict[tuple[str, str], tuple[set, set]]:
    """(namespace, name) of each job -> (its inputs, its outputs) as (namespace, name)."""
    return {(e["job"]["namespace"], e["job"]["name"]): (
        {(i["namespace"], i["name"]) for i in e["inputs"]},
        {(o["namespace"], o["name"]) for o in e["outputs"]}) for e in events if "job" in e}


def represented(u: tuple, v: tuple, u_data: bool, v_data: bool, jobs: dict) -> bool:
    """True when the events show the edge u -> v: data read by a job, data a job writes,
    data read by a job that writes other data, or data one job writes and another reads."""
    if u_data and not v_data:
        return u in jobs[v][0]
    if v_data and not u_data:
        return v in jobs[u][1]
    if u_data and v_data:
        return any(u in ins and v in outs for ins, outs in jobs.values())
    return bool(jobs[u][1] & jobs[v][0])


@pytest.mark.parametrize("spec", example_specs(), ids=example_id)
def test_every_lineage_edge_appears_in_the_events(spec):
    ir = lowered(spec)
    graph, events = build_lineage(ir), static_events(ir)
    jobs = jobs_of(events)
    datasets = {(e["dataset"]["namespace"], e["dataset"]["name"]) for e in events
                if "dataset" in e}
    for node, kind in graph.nodes(data="kind"):
        assert name_of(ir, node) in (datasets if kind in DATA else jobs), node
    missing = [(u, v, r) for u, v, r in graph.edges(data="relation") if not represented(
        name_of(ir, u), name_of(ir, v), graph.nodes[u]["kind"] in DATA,
        graph.nodes[v]["kind"] in DATA, jobs)]
    assert graph.number_of_edges() > 0 and missing == []


def test_a_model_that_names_its_training_pipeline_is_its_output():
    # recs-retrieval names recs-training in training.pipeline; the pipeline's outputs.model
    # is recs-ranker. Both are outputs of the job.
    jobs = jobs_of(static_events(lowered(ROOT / "examples/recommender/mlops.yaml")))
    assert sorted(jobs["shop-recommendations", "recs-training"][1]) == [
        ("shop-recommendations", "models/recs-ranker"),
        ("shop-recommendations", "models/recs-retrieval")]


def test_feature_sets_are_inputs_of_the_job_that_trains_on_them():
    jobs = jobs_of(static_events(lowered(ROOT / "mlops.yaml")))
    inputs, outputs = jobs["fraud-platform", "fraud-training"]
    assert ("fraud-platform", "features/transaction-features") in inputs
    assert outputs == {("fraud-platform", "models/fraud-detector")}
    # The deployment's job reads the model and writes the predictions its SLOs read.
    predictions = ("fraud-platform", "deployments/fraud-scorer/predictions")
    assert jobs["fraud-platform", "deployments/fraud-scorer"] == (
        {("fraud-platform", "models/fraud-detector")}, {predictions})
    assert jobs["fraud-platform", "slos/scorer-latency"][0] == {predictions}



def test_data_no_pipeline_makes_gets_a_job_of_its_own(tmp_path):
    import yaml

    spec = yaml.safe_load((ROOT / "mlops.yaml").read_text())
    del spec["pipelines"]["fraud-features"]["outputs"]
    del spec["pipelines"]["fraud-training"]["outputs"]
    del spec["models"]["fraud-detector"]["training"]["pipeline"]
    path = tmp_path / "mlops.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    ir = lowered(path)
    jobs = jobs_of(static_events(ir))
    lake = ("s3://payments-lake", "curated/transactions")
    features = ("fraud-platform", "features/transaction-features")
    model = ("fraud-platform", "models/fraud-detector")
    assert jobs["fraud-platform", "features/transaction-features/build"] == ({lake}, {features})
    assert jobs["fraud-platform", "models/fraud-detector/train"] == ({lake, features}, {model})
    assert jobs["fraud-platform", "fraud-training"][1] == set()
    graph = build_lineage(ir)
    assert [e for e in graph.edges(data="relation") if not represented(
        name_of(ir, e[0]), name_of(ir, e[1]), graph.nodes[e[0]]["kind"] in DATA,
        graph.nodes[e[1]]["kind"] in DATA, jobs)] == []

# location -> the naming class of openlineage-python that names the same data.
NAMING = [
    ("s3://payments-lake/curated/transactions/",
     ol_naming.S3(bucket_name="payments-lake", object_key="curated/transactions")),
    ("s3a://lake/t.parquet", ol_naming.S3(bucket_name="lake", object_key="t.parquet")),
    ("gs://bucket/dir/file.csv", ol_naming.GCS(bucket_name="bucket", object_key="dir/file.csv")),
    ("abfss://raw@acct.dfs.core.windows.net/events/2025",
     ol_naming.ABFSS(container="raw", service="acct", path="events/2025")),
    ("hdfs://namenode:8020/warehouse/t",
     ol_naming.HDFS(namenode_host="namenode", namenode_port="8020", path="/warehouse/t")),
    ("file:///data/iris.csv", ol_naming.LocalFileSystem(path="/data/iris.csv")),
    ("file://nas/data/iris.csv", ol_naming.RemoteFileSystem(host="nas", path="/data/iris.csv")),
    ("bq://shop-analytics.events.interactions", ol_naming.BigQuery(
        project_id="shop-analytics", dataset_name="events", table_name="interactions")),
    ("bigquery://p/d/t", ol_naming.BigQuery(project_id="p", dataset_name="d", table_name="t")),
    ("snowflake://acme-prod/DB.PUBLIC.ORDERS", ol_naming.Snowflake(
        organization_name="acme", account_name="prod", database="DB", schema="PUBLIC",
        table="ORDERS")),
    ("postgres://db.internal:5432/shop.public.orders", ol_naming.Postgres(
        host="db.internal", port="5432", database="shop", schema="public", table="orders")),
    ("postgresql://db.internal/shop/public/orders", ol_naming.Postgres(
        host="db.internal", port="5432", database="shop", schema="public", table="orders")),
    ("mysql://h:3306/shop.orders", ol_naming.MySQL(host="h", port="3306", database="shop",
                                                   table="orders")),
    ("redshift://cluster.eu-west-1:5439/dev.public.t", ol_naming.Redshift(
        cluster_identifier="cluster", region="eu-west-1", port="5439", database="dev",
        schema="public", table="t")),
    ("trino://h:8080/hive.s.t", ol_naming.Trino(host="h", port="8080", catalog="hive",
                                                schema="s", table="t")),
    ("hive://h:10000/db.t", ol_naming.Hive(host="h", port="10000", database="db", table="t")),
    ("kafka://broker:9092/payments.v1", ol_naming.Kafka(
        bootstrap_server_host="broker", port="9092", topic="payments.v1")),
]


@pytest.mark.parametrize("location, expected", NAMING, ids=[n[0] for n in NAMING])
def test_locations_are_named_as_openlineage_names_them(location, expected):
    assert dataset_name(location) == (expected.get_namespace(), expected.get_name())


@pytest.mark.parametrize("location", [
    None, "", "warehouse.analytics.customer_activity", "s3://bucket", "s3:///key",
    "ftp://host/file", "bq://project.table", "postgres://host:5432/", "file:relative/path",
    "hdfs:///no-authority", "kafka://a:1,b:2/topic",
])
def test_locations_without_an_openlineage_name(location):
    assert dataset_name(location) is None


def test_datasets_without_a_location_keep_the_mlopsc_namespace():
    events = static_events(lowered(ROOT / "examples/churn-batch/mlops.yaml"))
    assert events[0]["dataset"]["namespace"] == "churn-prediction"
    assert events[0]["dataset"]["name"] == "datasets/customer-activity"


def test_facets_carry_version_tags_and_owners():
    events = static_events(lowered(ROOT / "mlops.yaml"))
    data = {e["dataset"]["name"]: e["dataset"]["facets"] for e in events if "dataset" in e}
    contract = data["curated/transactions"]
    assert contract["version"]["datasetVersion"] == "3.2.0"
    tags = {(t["key"], t["value"], t.get("field")) for t in contract["tags"]["tags"]}
    assert {("pii", "true", "customer_id"), ("classification", "confidential", "customer_id")
            } <= tags
    assert data["features/transaction-features"]["version"]["datasetVersion"] == "1.4.0"
    assert ("pii", "true", "customer_id") in {
        (t["key"], t["value"], t.get("field"))
        for t in data["features/transaction-features"]["tags"]["tags"]}
    jobs = {e["job"]["name"]: e["job"]["facets"] for e in events if "job" in e}
    training = jobs["fraud-training"]
    assert training["ownership"]["owners"][0]["name"]
    assert training["documentation"]["description"]
    assert (training["jobType"]["processingType"], training["jobType"]["integration"],
            training["jobType"]["jobType"]) == ("BATCH", "KUBEFLOW", "DAG")
    assert jobs["deployments/fraud-scorer"]["jobType"]["processingType"] == "SERVICE"


# ------------------------------------------- openlineage-python's models of the spec
def facets_of(event: dict) -> list[dict]:
    holders = [event.get("dataset"), event.get("job"), *event.get("inputs", []),
               *event.get("outputs", [])]
    return [facet for h in holders if h for facet in h.get("facets", {}).values()]


def test_the_models_are_those_of_the_pinned_client():
    # The schema URLs below, and the docs, name the spec versions openlineage-python
    # 1.54.0 was generated from; another version may know other ones.
    assert importlib.metadata.version("openlineage-python") == "1.54.0"
    assert sorted(ol_models.EVENTS) == [
        f"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/{kind}"
        for kind in ("DatasetEvent", "JobEvent", "RunEvent")]


@pytest.mark.parametrize("spec", example_specs(), ids=example_id)
def test_events_and_facets_are_valid_against_the_openlineage_models(spec):
    events = static_events(lowered(spec))
    checked = set()
    for event in events:
        kind = ol_models.check_event(event)
        assert kind.__name__ == ("DatasetEvent" if "dataset" in event else "JobEvent")
        assert ol_models.round_trip(event) == event
        assert datetime.datetime.strptime(event["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
        checked.update(f["_schemaURL"].split("/")[-1] for f in facets_of(event))
    assert events and checked


def test_the_rendered_file_round_trips_through_the_client():
    ir = lowered(ROOT / "mlops.yaml")
    lines = render(ir).decode().splitlines()
    assert [json.loads(line) for line in lines] == static_events(ir)
    for line in lines:
        event = json.loads(line)
        assert ol_models.round_trip(event) == event


def test_every_facet_kind_mlopsc_writes_is_checked():
    seen = {(key, facet["_schemaURL"]) for spec in example_specs()
            for event in static_events(lowered(spec)) for holder in (
                event.get("dataset"), event.get("job")) if holder
            for key, facet in holder["facets"].items()}
    assert {key for key, _ in seen} == set(ol_models.FACET_KEYS)
    assert {url.split("#")[0].split("/spec/")[1] for _, url in seen} == {
        "facets/1-2-0/SchemaDatasetFacet.json", "facets/1-0-1/DatasetVersionDatasetFacet.json",
        "facets/1-0-0/TagsDatasetFacet.json", "facets/1-0-0/TagsJobFacet.json",
        "facets/1-0-1/OwnershipDatasetFacet.json", "facets/1-0-1/OwnershipJobFacet.json",
        "facets/1-1-0/DocumentationDatasetFacet.json",
        "facets/1-1-0/DocumentationJobFacet.json", "facets/2-0-4/JobTypeJobFacet.json"}


def flagship(kind: str) -> dict:
    """The first DatasetEvent (``dataset``) or JobEvent (``job``) of the flagship."""
    return next(e for e in static_events(lowered(ROOT / "mlops.yaml")) if kind in e)


def run_event() -> dict:
    from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
    from openlineage.client.serde import Serde

    return Serde.to_dict(RunEvent(
        eventType=RunState.COMPLETE, eventTime="2025-01-01T00:00:00Z", producer="urn:mlopsc:0",
        run=Run(runId="01932d6b-5c8f-7a9e-8f0b-0123456789ab"),
        job=Job(namespace="fraud-platform", name="fraud-training")))


def _drop_name(e):
    del e["dataset"]["name"]


def _drop_producer(e):
    del e["dataset"]["facets"]["version"]["_producer"]


def _drop_tag_value(e):
    del e["dataset"]["facets"]["tags"]["tags"][0]["value"]


def _set(path: tuple, value):
    def change(event):
        *parents, last = path
        for key in parents:
            event = event[key]
        event[last] = value
    return change


URL = "https://openlineage.io/spec/facets/{}#/$defs/{}"
JOB_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent"
# (how the event is broken, the JSON path named, the reason given)
BROKEN = {
    "missing dataset name": (
        "dataset", _drop_name, "$.dataset.name", "required field of StaticDataset missing"),
    "missing facet _producer": (
        "dataset", _drop_producer, "$.dataset.facets.version._producer",
        "required field of DatasetVersionDatasetFacet missing"),
    "missing tag value": (
        "dataset", _drop_tag_value, "$.dataset.facets.tags.tags[0].value",
        "required field of TagsDatasetFacetFields missing"),
    "unknown event key": (
        "dataset", _set(("extra",), 1), "$.extra", "unknown key: DatasetEvent has no such field"),
    "unknown facet key": (
        "job", _set(("job", "facets", "jobType", "kind"), "DAG"), "$.job.facets.jobType.kind",
        "unknown key: JobTypeJobFacet has no such field"),
    "a JobEvent with a run": (
        "job", _set(("run",), {"runId": "x"}), "$.run",
        "unknown key: JobEvent has no such field"),
    "int for a string": (
        "dataset", _set(("dataset", "namespace"), 7), "$.dataset.namespace",
        "7 is a int, the model wants str"),
    "string for an int": (
        "dataset", _set(("dataset", "facets", "schema", "fields", 0, "ordinal_position"), "1"),
        "$.dataset.facets.schema.fields[0].ordinal_position", "'1' is a str, the model wants int"),
    "bool for an int": (
        "dataset", _set(("dataset", "facets", "schema", "fields", 0, "ordinal_position"), True),
        "$.dataset.facets.schema.fields[0].ordinal_position",
        "True is a bool, the model wants int"),
    "object for a list": (
        "job", _set(("inputs",), {}), "$.inputs", "a list, not dict"),
    "null": (
        "dataset", _set(("dataset", "facets", "documentation", "description"), None),
        "$.dataset.facets.documentation.description", "null: the spec's types have no null"),
    "producer not a URI": (
        "dataset", _set(("producer",), "not a uri"), "$.producer", "'not a uri' is not a URI"),
    "facet producer with a space": (
        "job", _set(("job", "facets", "jobType", "_producer"), "urn:mlopsc:0 1"),
        "$.job.facets.jobType._producer", "'urn:mlopsc:0 1' is not a URI"),
    "older facet schema version": (
        "dataset", _set(("dataset", "facets", "version", "_schemaURL"), URL.format(
            "1-0-0/DatasetVersionDatasetFacet.json", "DatasetVersionDatasetFacet")),
        "$.dataset.facets.version._schemaURL",
        "is not the schema URL of the 'version' facet openlineage-python knows"),
    "a job facet on a dataset": (
        "dataset", _set(("dataset", "facets", "jobType"), {
            "_producer": "urn:mlopsc:0", "processingType": "BATCH", "integration": "MLOPSC",
            "_schemaURL": URL.format("2-0-4/JobTypeJobFacet.json", "JobTypeJobFacet")}),
        "$.dataset.facets.jobType", "no DatasetFacet of openlineage-python has the key 'jobType'"),
    "a facet under another key": (
        "dataset", lambda e: e["dataset"]["facets"].update(
            schemaFacet=e["dataset"]["facets"].pop("schema")),
        "$.dataset.facets.schemaFacet",
        "no DatasetFacet of openlineage-python has the key 'schemaFacet'"),
    "unknown facet": (
        "job", _set(("job", "facets", "mlopsc"), {
            "_producer": "urn:mlopsc:0", "_schemaURL": "https://mlopsc.dev/Facet.json"}),
        "$.job.facets.mlopsc", "no JobFacet of openlineage-python has the key 'mlopsc'"),
    "event schemaURL of another kind": (
        "dataset", _set(("schemaURL",), JOB_EVENT),
        "$.dataset", "unknown key: JobEvent has no such field"),
    "event schemaURL of another spec version": (
        "dataset", _set(("schemaURL",), JOB_EVENT.replace("2-0-2", "2-0-1")),
        "$.schemaURL", "is not the schemaURL openlineage-python writes"),
    "eventType not in the enum": (
        "run", _set(("eventType",), "DONE"), "$.eventType",
        "'DONE' is not a EventType: one of ['START', 'RUNNING', 'COMPLETE'"),
}


@pytest.mark.parametrize("kind, break_it, path, reason", BROKEN.values(), ids=BROKEN)
def test_the_models_reject_a_broken_event(kind, break_it, path, reason):
    event = run_event() if kind == "run" else flagship(kind)
    ol_models.check_event(copy.deepcopy(event))
    break_it(event)
    with pytest.raises(ol_models.ModelError) as error:
        ol_models.check_event(event)
    assert error.value.path == path
    assert reason in error.value.reason


def test_the_client_itself_rejects_what_its_validators_refuse():
    # eventTime and runId pass the type check (strings) but not the models' validators.
    event = flagship("dataset")
    event["eventTime"] = "2025-01-01"
    with pytest.raises(ol_models.ModelError, match="Parsed date-time has to contain time"):
        ol_models.round_trip(event)
    run = run_event()
    run["run"]["runId"] = "not-a-uuid"
    with pytest.raises(ol_models.ModelError, match="openlineage-python rejects it"):
        ol_models.round_trip(run)


def test_a_value_the_client_would_not_write_back_fails_the_round_trip():
    # A facet field left out that the model defaults (the schema facet's nested `fields`):
    # valid for the spec, but not what openlineage-python writes, so not what mlopsc writes.
    event = flagship("dataset")
    del event["dataset"]["facets"]["schema"]["fields"][0]["fields"]
    ol_models.check_event(event)
    assert ol_models.round_trip(event) != event


def test_the_upstream_example_of_the_lineage_doc_is_the_real_output():
    import re

    from mlopsc.passes.build_lineage import upstream

    text = (ROOT / "docs" / "lineage.md").read_text()
    block = re.search(r"\$ mlopsc lineage --upstream (\S+)\n(.*?)```", text, re.S)
    assert block is not None
    graph = build_lineage(lowered(ROOT / "mlops.yaml"))
    assert block[2].split() == upstream(graph, block[1])
