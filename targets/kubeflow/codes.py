"""Codes of the kubeflow area."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E511", "name cannot become a KFP identifier",
         "KFP pipeline parameters and component inputs/outputs are Python identifiers "
         "(`-` becomes `_`). Two names of one pipeline parameter list, or of one step's "
         "parameters, inputs and outputs, map to the same identifier, so KFP cannot tell them "
         "apart.",
         "rename one of them"),
    Code("E512", "kfp rejected a value",
         "The kfp SDK validates what it compiles (e.g. memory quantities must be an integer "
         "with an optional unit such as `512Mi`, retry counts non-negative). The value at this "
         "path was refused; the message quotes kfp.",
         "write the value in the form the kfp message asks for (e.g. `memory: 512Mi`)"),
    Code("E518", "text the KFP backend would substitute",
         "A KFP v2 run rewrites `{{...}}` in what the pipeline carries, with no escape: the "
         "driver replaces `{{$.inputs.parameters['X']}}` in command and args and reads an "
         "argument starting `{\"IfPresent\":` as a condition, the launcher replaces `{{$}}` "
         "with the executor input and other `{{$...}}` keys, and Argo Workflows substitutes "
         "its own `{{workflow.name}}`-style tags and `{{=expression}}` in the component, "
         "container, task and Kubernetes settings. A spec string with `{{` (in command, args, "
         "env, image, display name, description, node selector, GPU type, node affinity, the "
         "failure notice's Secret, or a parameter's default or description) would not "
         "reach the pod as written, so the pipeline is not compiled.",
         "use `$(params.NAME)` for a value chosen at run time; otherwise remove the `{{` "
         "(e.g. pass the text through a ConfigMap or a file in the image)"),
    Code("W511", "data_change trigger cannot start a Kubeflow run",
         "KFP v2 IR and its recurring runs know only schedules. For `drift` and "
         "`performance` triggers mlopsc writes `<pipeline>.trigger.yaml`, a CronJob that "
         "creates a run when the monitor's alert fires; a `data_change` trigger has no alert "
         "to watch and mlopsc knows no job that writes the dataset, so nothing generated "
         "starts the run.",
         "make the job that writes the dataset create the run through the KFP API "
         "(`kfp.Client().create_run_from_pipeline_package` or `POST /apis/v2beta1/runs`), or "
         "watch a freshness or drift monitor of the dataset with a `drift` trigger"),
    Code("W512", "pipeline timeout not expressible in KFP",
         "KFP v2 IR has no whole-run timeout; each step's `timeout` is kept "
         "(`activeDeadlineSeconds` through kfp-kubernetes), the pipeline's is not.",
         "give the steps timeouts instead"),
    Code("W513", "security setting not expressible in KFP",
         "KFP (through kfp-kubernetes) sets only `runAsUser` and `runAsNonRoot` on a step's "
         "container; the backend itself forbids privilege escalation and drops capabilities. "
         "A step that asks for `privileged`, `host_network` or "
         "`allow_privilege_escalation: true` does not get it and runs with the backend's "
         "defaults, which may break it. (The read-only root filesystem, a default, cannot be "
         "set either; it is not warned about, see docs/targets/kubeflow.md.)",
         "remove the setting from the step's `security:` (KFP cannot grant it), or run the "
         "pipeline on `orchestrator: airflow`"),
    Code("W515", "kfp version differs from the pinned one",
         "Kubeflow outputs are stamped and golden-tested with the pinned kfp release; another "
         "installed release may compile different bytes.",
         "install the kfp version mlopsc pins"),
    Code("W516", "retry backoff approximated in KFP",
         "KFP's backend (Argo Workflows) reads the backoff factor as an integer, so a "
         "fractional `backoff_factor` is rounded to the nearest whole one; and it has no cap "
         "on a single delay, so delays grow past `max_backoff` when the factor would take "
         "them there within the retry limit.",
         "use a whole backoff_factor, and a limit whose longest delay stays within max_backoff"),
    Code("W517", "scheduled Kubeflow pipeline has a parameter without default",
         "A KFP pipeline parameter without a default is required. The recurring run that "
         "carries the schedule can only pass defaults, so every scheduled run is refused for "
         "want of that value.",
         "give the parameter a default"),
    Code("W524", "time zone not expressible in a KFP recurring run",
         "KFP's recurring run (`v2beta1` `CronSchedule`: `cron`, `start_time`, `end_time`) "
         "has no time zone. Its cron is read in the time zone of KFP's scheduled-workflow "
         "controller (UTC unless the cluster sets `CRON_SCHEDULE_TIMEZONE` on it), so a "
         "pipeline whose `timezone` is not UTC would fire at other hours than the spec says, "
         "and than the same spec compiled for Airflow.",
         "write the schedule in UTC (`timezone: UTC`), or set the controller's "
         "CRON_SCHEDULE_TIMEZONE to this zone for the whole cluster"),
    Code("W525", "step cached without inputs in a pipeline that starts itself",
         "KFP caches a step by its image, command, arguments and inputs. A step without "
         "input artifacts in a scheduled or triggered pipeline has the same cache key on "
         "every run, so with `cache: true` every run after the first reuses the first run's "
         "outputs (stale data for retraining). Without `cache:` mlopsc turns caching off "
         "for such a step.",
         "remove `cache: true`, or pass the data's version as an argument"),
    Code("W526", "GPU type unknown to mlopsc",
         "Node labels that pick a GPU write one card differently: NVIDIA GPU feature "
         "discovery's `nvidia.com/gpu.product` has the product name (`Tesla-T4`), GKE's "
         "`cloud.google.com/gke-accelerator` the accelerator id (`nvidia-tesla-t4`). mlopsc "
         "writes a known `gpu.type` in the form of the label the Kubeflow or Airflow target "
         "uses (`--set <target>.gpu-node-label=...`, default `nvidia.com/gpu.product`); "
         "this type is not in its table (`mlopsc.render.gpu`), so it is written as given "
         "and may match no node.",
         "write the value your cluster's label carries (`kubectl get nodes -L <label>`)"),
)
