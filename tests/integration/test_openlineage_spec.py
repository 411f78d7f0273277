"""OpenLineage events that are complete and joinable: every edge of the lineage graph is a
job input or output, datasets are named as the naming spec (and openlineage-python's own
naming classes) name their location, the facets carry version, PII and classification
tags and owners, and every event and facet validates against the OpenLineage spec's JSON
schemas (tests/fixtures/openlineage/, see SOURCE.md there)."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, example_id, example_specs
from openlineage.client.naming import dataset as ol_naming

from mlopsc import api
from mlopsc.lineage.naming import dataset_name
from mlopsc.lineage.openlineage import name_of, static_events
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


# ---------------------------------------------------------------- the spec's JSON schemas
SCHEMAS = ROOT / "tests" / "fixtures" / "openlineage"


def schema_dirs() -> list[Path]:
    """Where the spec's schemas are looked for: the vendored fixtures, then
    $MLOPSC_OPENLINEAGE_SPEC, then shared/schemas/openlineage beside the repository."""
    dirs = [SCHEMAS / "spec"]
    if os.environ.get("MLOPSC_OPENLINEAGE_SPEC"):
        dirs.append(Path(os.environ["MLOPSC_OPENLINEAGE_SPEC"]))
    return [*dirs, ROOT.parent / "shared" / "schemas" / "openlineage"]


def registry():
    """Every schema file under the first folder that has OpenLineage.json, by its ``$id``;
    no retrieval, so an unknown reference fails instead of reaching the network."""
    from referencing import Registry, Resource

    found = next((d for d in schema_dirs() if (d / "OpenLineage.json").is_file()), None)
    assert found is not None, (
        "the OpenLineage spec's JSON schemas are missing: see tests/fixtures/openlineage/"
        f"SOURCE.md (looked in {[str(d) for d in schema_dirs()]})")
    resources = [Resource.from_contents(json.loads(p.read_text()))
                 for p in sorted(found.rglob("*.json"))]
    return Registry().with_resources((r.contents["$id"], r) for r in resources)


def validate(document: dict, url: str, schemas) -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    # jsonschema checks a format only when its library is installed: rfc3986-validator
    # (pinned in the test extra) for the producer's `uri`. `date-time` needs
    # rfc3339-validator, which the test environment need not have: eventTime is checked by
    # the test below instead.
    assert "uri" in set(FormatChecker().checkers)
    Draft202012Validator({"$ref": url}, registry=schemas,
                         format_checker=FormatChecker()).validate(document)


def facets_of(event: dict) -> list[dict]:
    holders = [event.get("dataset"), event.get("job"), *event.get("inputs", []),
               *event.get("outputs", [])]
    return [facet for h in holders if h for facet in h.get("facets", {}).values()]


@pytest.mark.parametrize("spec", example_specs(), ids=example_id)
def test_events_and_facets_are_valid_against_the_openlineage_schemas(spec):
    schemas = registry()
    events = static_events(lowered(spec))
    checked = set()
    for event in events:
        validate(event, event["schemaURL"], schemas)
        assert datetime.datetime.strptime(event["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
        for facet in facets_of(event):
            validate(facet, facet["_schemaURL"], schemas)
            checked.add(facet["_schemaURL"].rsplit("/", 1)[-1])
    assert events and checked


def test_the_schemas_reject_a_broken_event():
    from jsonschema import ValidationError

    schemas = registry()
    event = static_events(lowered(ROOT / "mlops.yaml"))[0]
    del event["dataset"]["name"]
    with pytest.raises(ValidationError, match="'name' is a required property"):
        validate(event, event["schemaURL"], schemas)
    event["dataset"]["name"], event["producer"] = "t", "not a uri"
    with pytest.raises(ValidationError, match="'not a uri' is not a 'uri'"):
        validate(event, event["schemaURL"], schemas)
    tags = event["dataset"]["facets"]["tags"]
    tags["tags"][0].pop("value")
    with pytest.raises(ValidationError, match="'value' is a required property"):
        validate(tags, tags["_schemaURL"], schemas)


def test_the_upstream_example_of_the_lineage_doc_is_the_real_output():
    import re

    from mlopsc.passes.build_lineage import upstream

    text = (ROOT / "docs" / "lineage.md").read_text()
    block = re.search(r"\$ mlopsc lineage --upstream (\S+)\n(.*?)```", text, re.S)
    assert block is not None
    graph = build_lineage(lowered(ROOT / "mlops.yaml"))
    assert block[2].split() == upstream(graph, block[1])
