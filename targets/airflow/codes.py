"""Codes of the airflow area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E521", "id cannot be made a valid Airflow id",
         "Airflow DAG and task ids allow letters, digits, `_`, `.` and `-` (at most 250 "
         "characters). mlopsc replaces other characters with `_`; here two names of one "
         "pipeline became the same id, or a tag is longer than Airflow's 100 characters.",
         "rename one of them"),
    Code("W521", "artifacts passed through a shared path",
         "Airflow does not move files between tasks. `$(inputs.X)` and `$(outputs.X)` become "
         "paths under `<artifact-root>/<dag>/<run id>/<step>/<output>`, which only works when "
         "every pod sees that root (a shared volume or an object-store mount). No "
         "`airflow.artifact-root` was set, so the default `/mlopsc/artifacts` is used.",
         "--set airflow.artifact-root=<a path every pod mounts>"),
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
)
