"""Codes of the airflow area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E521", "id cannot be made a valid Airflow id",
         "Airflow DAG and task ids allow letters, digits, `_`, `.` and `-` (at most 250 "
         "characters). mlopsc replaces other characters with `_`; here two names of one "
         "pipeline became the same id, or a tag is longer than Airflow's 100 characters.",
         "rename one of them"),
    Code("W521", "Airflow artifacts without an artifact store",
         "Airflow does not move files between tasks. `$(inputs.X)` and `$(outputs.X)` "
         "become paths under the pipeline's `artifact_store` (a PVC every step pod mounts, "
         "or an object-store root the steps read and write). This pipeline passes "
         "artifacts and has none, so the paths lie under `/mlopsc/artifacts`, which no pod "
         "mounts: the consumer will not find what the producer wrote.",
         "add `artifact_store: {pvc: <a ReadWriteMany claim>}` or "
         "`artifact_store: {uri: s3://bucket/prefix}` to the pipeline"),
    Code("W522", "retry backoff factor approximated",
         "Airflow's exponential retry backoff doubles the delay each time (and adds a "
         "deterministic jitter of up to as much again, so each delay lies between the doubled "
         "one and twice that); a `backoff_factor` other than 2 is approximated by doubling.",
         "use backoff_factor: 2, or omit it"),
    Code("W523", "scheduled Airflow pipeline has a parameter without default",
         "Airflow refuses a scheduled DAG with a required param, so a parameter without a "
         "default becomes a param that may be null: runs started by the schedule or an asset "
         "event get `None` (the text `None` in arguments, `null` for a boolean).",
         "give the parameter a default"),
    Code("N527", "nothing generated emits the asset of a data_change trigger",
         "A `data_change` trigger becomes an Airflow asset (the dataset's `location` when it "
         "is a URI Airflow keeps, else `mlopsc://datasets/<name>`), and the DAG runs when an "
         "event of that asset arrives. mlopsc knows no job that writes the dataset, so "
         "it generates no producer: unless the writer emits the event, the trigger never "
         "fires (the schedule, if any, still does).",
         "make the job that writes the dataset emit the asset event: an Airflow task with "
         "`outlets=[Asset(uri=...)]`, or `POST /api/v2/assets/events` with the asset's id "
         "from Airflow's REST API"),
)
