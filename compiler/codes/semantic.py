"""Codes of the semantic checks that run after the schema and before any target."""

from mlopsc.codes import Code

CODES = (
    Code("E301", "unresolved reference",
         "A field names a dataset, pipeline, model, deployment, SLO, monitor, step or field "
         "that the spec does not define.",
         "define it, or correct the name to one the spec defines"),
    Code("E302", "dependency cycle",
         "The `after:` and input dependencies of pipeline steps form a cycle, so no step "
         "of the cycle could ever start.",
         "remove one dependency of the cycle"),
    Code("E303", "invalid name",
         "Names of spec entries become Kubernetes object names, DAG ids and label values, so "
         "they must be DNS-1123 labels: at most 63 characters of lowercase letters, digits and "
         "`-`, starting and ending with a letter or digit.",
         "use lowercase letters, digits and `-`, at most 63 characters, e.g. `fraud-scorer`"),
    Code("E304", "invalid cron schedule",
         "A schedule is not a valid five-field cron expression (or @hourly, @daily, ...).",
         "e.g. `0 3 * * *` runs at 03:00 every day"),
    Code("E305", "invalid duration",
         "Durations are written as a number and a unit: ms, s, m, h, d or w (e.g. `30s`, "
         "`1h30m`, `28d`).",
         "write a number and a unit, e.g. `30s`, `10m`, `1h30m`, `28d`"),
    Code("E306", "canary weights do not rise",
         "Canary steps shift traffic to the new version step by step; each step's weight must "
         "be larger than the one before.",
         "order the steps so each weight is larger than the last, e.g. 5, 20, 50, 100"),
    Code("E307", "canary weight out of range",
         "A canary weight is a percentage of traffic: between 1 and 100.",
         "use a percentage between 1 and 100"),
    Code("E308", "objective out of range",
         "An SLO objective is a percentage strictly between 0 and 100.",
         "e.g. `objective: 99.9`"),
    Code("E311", "duplicate name",
         "Two entries of a list that are referred to by name share a name.",
         "give each entry its own name"),
    Code("E312", "settings do not fit together",
         "A section holds settings that belong to another variant (e.g. a rollout strategy or "
         "an SLI type), or lacks the ones its variant needs.",
         "keep only the settings of the chosen variant and add the ones it needs"),
    Code("E313", "minimum above maximum",
         "A lower bound is larger than the upper bound it is paired with.",
         "swap the bounds or correct one of them"),
    Code("E314", "invalid date",
         "Dates are written as ISO 8601 `YYYY-MM-DD`.",
         "write the date as `YYYY-MM-DD`, quoted: `\"2026-11-30\"`"),
    Code("E315", "invalid version",
         "Versions of data contracts and models are semantic versions `MAJOR.MINOR.PATCH`.",
         "quote it: `version: \"1.2.0\"`"),
    Code("E316", "invalid image reference",
         "An image reference is not of the form `registry/repository[:tag][@sha256:digest]`.",
         "e.g. `registry.example.com/team/image:1.4.2` or `...@sha256:<64 hex digits>`"),
    Code("E317", "invalid quantity",
         "Resource quantities are Kubernetes quantities, larger than zero: cpu like `500m` or "
         "`2`, memory like `512Mi` or `4Gi`. The grammar is Kubernetes' own: an optional "
         "sign, ASCII digits with an optional decimal point, and a suffix: binary Ki Mi Gi Ti "
         "Pi Ei, decimal n u m k M G T P E, or an exponent `e6`/`E6`. `K` is not a suffix, "
         "and digits of other scripts (U+0665 ARABIC-INDIC DIGIT FIVE) are not digits to "
         "Kubernetes.",
         "e.g. `cpu: 500m`, `memory: 512Mi`"),
    Code("E318", "mode does not fit",
         "A deployment's settings do not fit its serving mode (e.g. a schedule for online "
         "serving, or autoscaling for a batch job).",
         "remove the setting, or change the deployment's `mode`"),
    Code("E319", "reference to a different kind",
         "A reference names an entry of the right section but with incompatible content, "
         "e.g. an SLO of one deployment used in the analysis of another.",
         "refer to an entry that belongs to the same deployment, model or pipeline"),
    Code("W320", "unused definition",
         "An entry is defined but nothing refers to it, e.g. a pipeline parameter that no "
         "step's command or arguments use: the orchestrator would show it on every run, and "
         "setting it would change nothing.",
         "use it (a parameter as `$(params.NAME)` in a step's `args`), or remove it"),
    Code("E321", "invalid placeholder",
         "Step arguments may use `$(params.NAME)`, `$(inputs.NAME)`, `$(outputs.NAME)` and "
         "`$(results.NAME)` placeholders for names the step or pipeline declares.",
         "use `$(params.NAME)`, `$(inputs.NAME)`, `$(outputs.NAME)` or `$(results.NAME)` "
         "with a declared name"),
    Code("E210", "condition that cannot be evaluated",
         "A step's `when` compares a result of an earlier step with a value: it needs "
         "exactly one of `equals` and `not_equals`, the step it names must run before it "
         "(through `after:` or inputs, directly or not), and the value must be of the "
         "result's type: `true`/`false` for a boolean, a whole number for an integer, a "
         "number for a float, a quoted string for a string; a number at most 2^53 in size "
         "(Kubeflow keeps numbers as float64).",
         "e.g. `when: {step: evaluate, result: passed, equals: true}` with `evaluate` in "
         "`after:`"),
    Code("E211", "condition the orchestrator cannot express",
         "Kubeflow runs a conditional step inside a `dsl.If`, and every step after it inside "
         "the same one: a step after two conditional steps neither of which runs after the "
         "other would need two `dsl.If` that do not nest. Kubeflow writes a compared string "
         "into the condition (CEL) between single quotes without escaping, so such a string "
         "may hold only printable ASCII without quotes, backslashes or `{{`. An Airflow "
         "step returns one value (its XCom, the pod's `/airflow/xcom/return.json`), so it "
         "declares at most one result.",
         "order the conditional steps (`after:`), compare with a plain ASCII word, or keep "
         "one result per Airflow step"),
    Code("W567", "result without a file to write it to",
         "A step's `results` are written by the step itself, as JSON text, to the file "
         "`$(results.NAME)` stands for (Kubeflow: an output parameter's file; Airflow: "
         "`/airflow/xcom/return.json`). A result that no argument passes gives the program "
         "no path: the run fails when the orchestrator reads it.",
         "pass `$(results.NAME)` in `args:`, e.g. `--passed-file=$(results.passed)`"),
    Code("E322", "invalid regular expression",
         "A value that is used as a regular expression does not compile as RE2, the syntax "
         "Prometheus (Go's regexp) reads: no look-around, back-references or possessive "
         "repetition. `\\C` and `(?<name>...)`, which RE2 accepts and Go refuses, are "
         "refused too.",
         "check the expression's syntax (RE2: no look-around or back-references)"),
    Code("W324", "unknown model version",
         "A deployment serves a model version that is neither the model's current version nor "
         "one in its registry history.",
         "deploy the model's current version, or add the version to its `history`"),
    Code("E325", "window longer than the SLO period",
         "A burn-rate alert window is longer than the SLO period it judges, so the alert "
         "could never see a whole window of the period's budget.",
         "shorten the window, or lengthen the SLO's period"),
    Code("W326", "lineage that does not add up",
         "A pipeline says it produces a feature set but reads neither that feature set's "
         "source dataset nor a change of it, so the lineage graph would show features "
         "computed from nothing.",
         "add the source dataset to the pipeline's `inputs` (with the contract version it "
         "reads), or correct the feature set's `source`"),
    Code("E327", "duration out of range",
         "A duration is longer than any consumer can hold, or zero where only a positive "
         "duration makes sense. Prometheus, Kubernetes and Argo read durations as Go's "
         "time.Duration, int64 nanoseconds: at most 9223372036854ms, about 292 years. An SLO "
         "period, an alert or monitor window, an analysis interval, a timeout, a freshness "
         "bound and a feature TTL must be longer than zero.",
         "use a positive duration below 292 years, e.g. `30d`"),
    Code("E328", "quantity out of range",
         "A resource quantity is well formed but no Kubernetes field can hold it: Kubernetes "
         "reads quantities as int64 (bytes, or millicores for cpu), so memory is at most "
         "2^63-1 bytes (about 8Ei) and cpu at most 2^63-1 millicores. A quantity has at most "
         "40 digits and an exponent of at most 4 digits.",
         "use a realistic size, e.g. `memory: 64Gi`, `cpu: 16`"),
    Code("E329", "invalid environment variable name",
         "Kubernetes accepts environment variable names made of letters, digits, `_`, `-` "
         "and `.`, not starting with a digit (`[-._a-zA-Z][-._a-zA-Z0-9]*`); a name with `=`, "
         "a space or another character would be refused when the pod is created.",
         "use letters, digits and `_`, e.g. `MODEL_PATH`"),
    Code("E330", "control character in a value",
         "A string holds a control character (U+0000-U+001F, U+007F-U+009F), a line or "
         "paragraph separator (U+2028, U+2029) or a lone surrogate. Names, labels, images, "
         "namespaces, URIs and other single-line values may hold none; free text "
         "(descriptions, model-card sections, reasons, command arguments, environment "
         "values) may hold line breaks and tabs only. Generated files (KFP YAML, Kubernetes "
         "manifests, DAG files) cannot carry the others.",
         "remove the character; write a line break as a real new line in a `|` block"),
    Code("E331", "regular expression too large",
         "A regular expression repeats too much: RE2 (and Prometheus, which uses Go's RE2 "
         "syntax) allows at most 1000 repetitions, counted as the product of nested "
         "counts, so `(5{10000}){10000}` is refused instead of compiled into a huge "
         "program.",
         "repeat less: at most 1000 in total, e.g. `5[0-9]{2}` instead of counted copies"),
    Code("E333", "no target runs this orchestrator",
         "A pipeline's `orchestrator` names no orchestrator that an available target claims. "
         "Orchestrators are open names: each target declares the ones it compiles for "
         "(`mlopsc targets` lists them; the built-ins claim `kubeflow` and `airflow`), and "
         "a plugin target can add more, e.g. `argo-workflows`. Without a target, nothing "
         "would compile the pipeline.",
         "use an orchestrator a target claims (`mlopsc targets`), or install the plugin "
         "target that runs it"),
    Code("W334", "orchestrator run only by a plugin target",
         "The only targets that claim this pipeline's orchestrator are plugins. A compile "
         "without `--target` runs the built-in targets alone (so that a spec gives the same "
         "tree whatever plugins a machine has), and would leave this pipeline out.",
         "name the plugin target, and the others you want: `--target NAME`"),
    Code("E332", "parameter default of the wrong type",
         "A pipeline parameter's `default` does not have the parameter's `type` (a string "
         "for `string`, true/false for `boolean`, a whole number for `integer`, a number "
         "for `float`); the orchestrator would refuse or misread it.",
         "write the default in the parameter's type, e.g. `{type: boolean, default: true}`, "
         "or change the `type`"),
    Code("E337", "unknown time zone",
         "A pipeline's `timezone` is not an IANA time zone name known to the tz database "
         "(e.g. `UTC`, `Europe/Berlin`, `America/New_York`); Airflow's timetable would "
         "refuse it.",
         "use an IANA time zone name, e.g. `UTC` or `Europe/Berlin`"),
    Code("E338", "artifact store needs one location",
         "A pipeline's `artifact_store` gives either `uri` (an object-store root) or `pvc` "
         "(a shared PersistentVolumeClaim), exactly one of them.",
         "keep one of `uri` and `pvc`"),
    Code("E339", "step volume clashes",
         "A step's volumes need distinct names and mount paths in the pod. The targets "
         "already add a volume `tmp` at `/tmp` (a writable scratch directory beside the "
         "read-only root filesystem) and, for an Airflow pipeline with an `artifact_store` "
         "claim, `mlopsc-artifacts` at its `mount_path`. `medium` and `size_limit` describe "
         "an emptyDir, not a claim.",
         "rename the volume or mount it elsewhere"),
    Code("E340", "mount path is not a clean absolute path",
         "A volume's or an artifact store's `mount_path` reaches the pod spec as it is. "
         "Kubernetes wants an absolute path and refuses one holding ':'; a path with '..' "
         "or '//' names another folder than it appears to.",
         "write an absolute path without '..', '//', a trailing '/' or ':', e.g. /dev/shm"),
    Code("E341", "link with a scheme other than http(s)",
         "A runbook or risk-assessment reference becomes a link in Alertmanager, Grafana and "
         "the model cards. Only `https://` and `http://` URLs, or references without a "
         "scheme (a document id, a relative path), are accepted: a `javascript:` or `data:` "
         "link would run in the reader's browser.",
         "use an https:// URL, or a document id or relative path without a scheme"),
    Code("W565", "old version scaled down inside the rollback window",
         "A blue-green rollout's rollback triggers keep measuring the new version for "
         "`rollback_window` after the switch (Argo Rollouts' post-promotion analysis), so "
         "that an abort can switch the users back to the old version at once. Argo Rollouts "
         "documents that a set `scaleDownDelaySeconds` (`scale_down_delay`) ends that "
         "analysis when the delay runs out: a delay shorter than the window cuts the watch "
         "short, or leaves an abort with no old version to switch back to.",
         "leave `scale_down_delay` out (the old version then stays until the window ends), "
         "or make it at least `rollback_window`"),
    Code("E342", "node condition does not fit its operator",
         "A node affinity condition (`affinity.nodes`) reaches the pod spec as it is, and "
         "the API server refuses one whose values do not fit the operator: `In` and `NotIn` "
         "need at least one value, `Exists` and `DoesNotExist` take none, `Gt` and `Lt` "
         "take exactly one integer.",
         "In/NotIn: a list of values; Exists/DoesNotExist: no `values`; Gt/Lt: one "
         "integer, e.g. `values: ['4']`"),
    Code("E347", "affinity the orchestrator cannot express",
         "Kubeflow Pipelines' platform config (kfp-kubernetes) carries node affinity but no "
         "pod anti-affinity, so a step's `affinity.spread` would be dropped and its pods "
         "could land on one node, contrary to the spec.",
         "remove `spread:`, or run the pipeline on `orchestrator: airflow`"),
    Code("E348", "fan-out the orchestrators cannot run",
         "A step's `for_each` runs it once per item of a pipeline parameter of type `list` "
         "(Kubeflow `dsl.ParallelFor`, Airflow dynamic task mapping). The parameter must "
         "exist and be a `list`. The runs of a fanned-out step cannot hand an artifact to "
         "a later step (Kubeflow collects loop outputs only into Python components, and in "
         "Airflow every run would write the same path), so its `outputs` may not feed "
         "another step; an Airflow fanned-out step has no `outputs` at all. A later step "
         "may wait for all runs with `after:`. A list parameter is read one item at a time "
         "(`$(item)`), not whole as `$(params.NAME)` (Kubeflow would print it as JSON, "
         "Airflow as a Python list).",
         "fan out over a `list` parameter, and let later steps wait with `after:` instead "
         "of reading the fanned-out step's artifacts"),
    Code("E349", "$(item) outside a fanned-out step",
         "`$(item)` stands for the item of the list a step fans out over; a step without "
         "`for_each` has no item.",
         "add `for_each: {parameter: NAME}` to the step, or use `$(params.NAME)`"),
    Code("W566", "list longer than Airflow maps",
         "Airflow refuses to map a task over more items than its `max_map_length` setting "
         "(1024 unless the Airflow deployment raises it): the fanned-out step fails at run "
         "time, before any item runs. The default of the list parameter is longer.",
         "shorten the list, or raise `[core] max_map_length` in the Airflow deployment"),

)
