"""Codes of the governance area: lineage, breaking changes, plan."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E580", "breaking change without a major version bump",
         "A data contract, a feature set or a model's input schema changed in a way that "
         "breaks its consumers, judged from the consumer's side (docs/plan.md has the table): "
         "for a data contract or feature set, whose readers rely on every promise, a field "
         "removed or renamed, a type changed, a max raised or removed, a min lowered or "
         "removed, an allowed value added, a required field made nullable; for a model "
         "input schema, whose callers feed the model, a change that makes the model accept "
         "less (a field removed or made required, a bound tightened, an allowed value "
         "removed, a narrower type). The major version stayed the same. "
         "Consumers pin major versions; they would meet data or refusals they cannot handle.",
         "bump the major version (e.g. 3.2.0 -> 4.0.0), or make the change compatible"),
    Code("W582", "orphan dataset",
         "A data contract that no pipeline, feature set, model or monitor reads. It may be "
         "left over from a refactoring, or a reference to it is missing.",
         "remove the contract, or reference it where it is used"),
    Code("W583", "model without a training pipeline",
         "No pipeline produces the model: it names no `training.pipeline` and no pipeline "
         "lists it in `outputs.model`. The lineage graph cannot say how the model was built, "
         "nor which pipeline to run again when its training data changes.",
         "name the pipeline in the model's `training.pipeline`, or the model in the "
         "pipeline's `outputs.model`"),
    Code("W586", "dataset location without an OpenLineage name",
         "The dataset's `location` is not a URI that the OpenLineage naming spec names (no "
         "scheme, a scheme mlopsc does not know, or a bucket, host or table left out). Its "
         "OpenLineage events keep the namespace `metadata.name` and the name "
         "`datasets/NAME`, so lineage tools never join them with the runtime events of the "
         "Airflow, Spark or dbt integrations, which name the data by where it lives.",
         "write the location as a URI: s3://bucket/path, gs://bucket/path, "
         "abfss://container@account.dfs.core.windows.net/path, hdfs://host:port/path, "
         "file:///path, bigquery://project.dataset.table, "
         "snowflake://org-account/db.schema.table, postgres://host:5432/db.schema.table, "
         "kafka://host:9092/topic (see docs/lineage.md)"),
    Code("W587", "two datasets with one OpenLineage name",
         "Two data contracts have locations that the OpenLineage naming spec names alike "
         "(e.g. `s3://lake/t` and `s3://lake/t/`). A lineage consumer such as Marquez or "
         "DataHub keeps one dataset per name, so the two contracts' schemas, owners and "
         "versions overwrite each other.",
         "give each contract its own location, or merge the two contracts"),
)
