"""Table-driven tests of the schema and semantic checks: exact codes, paths and messages."""

from __future__ import annotations

import copy

import pytest

from mlopsc.diagnostics import Diagnostics
from mlopsc.driver import PASS_NAMES, PASSES, Compilation, Options
from mlopsc.passes.parse_spec import parse_spec

BASE = {
    "apiVersion": "mlopsc/v1",
    "metadata": {"name": "t"},
    "datasets": {"events": {"version": "1.0.0", "fields": [
        {"name": "amount", "type": "float", "kind": "continuous"},
        {"name": "country", "type": "category", "kind": "categorical"},
        {"name": "ts", "type": "timestamp"}]}},
    "pipelines": {"train": {"orchestrator": "kubeflow", "schedule": "0 3 * * *",
                            "parameters": {"lr": {"type": "float", "default": 0.1}},
                            "steps": [
        {"name": "prep", "image": "ghcr.io/a/prep:1.0", "outputs": ["data"]},
        {"name": "fit", "image": "ghcr.io/a/fit:1.0", "inputs": {"data": "prep.data"},
         "args": ["$(inputs.data)", "$(params.lr)"]}],
        "outputs": {"model": "m"}}},
    "models": {"m": {"version": "1.0.0", "training": {"pipeline": "train"}}},
    "deployments": {"d": {"model": "m", "environment": "prod", "image": "ghcr.io/a/s:1.0",
                          "rollout": {"strategy": "canary", "steps": [{"weight": 10},
                                                                      {"weight": 100}],
                                      "analysis": {"slos": ["avail"]}}}},
    "slos": {"avail": {"deployment": "d", "objective": 99.9,
                       "sli": {"type": "availability", "metric": "http_requests_total"}}},
    "monitors": {"drift": {"type": "data_drift", "deployment": "d", "dataset": "events",
                           "features": ["amount", "country"]}},
}


def findings(doc: dict) -> list[tuple[str, str | None, str]]:
    compilation = Compilation(options=Options())
    compilation.spec = parse_spec(doc, compilation.diagnostics)
    if compilation.spec is not None:
        for step in PASSES[2:PASS_NAMES.index("lower")]:  # every check, by name
            step.run(compilation)
    return [(d.code, d.path, d.message) for d in compilation.diagnostics]


def mutate(path: str, value) -> dict:
    doc = copy.deepcopy(BASE)
    *parents, last = path.split("/")
    node = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is _DELETE:
        del node[int(last) if isinstance(node, list) else last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


_DELETE = object()


def test_base_is_clean():
    assert findings(BASE) == []


CASES = [
    ("unknown apiVersion", "apiVersion", "mlopsc/v2",
     [("E201", "apiVersion", "unknown apiVersion 'mlopsc/v2'; this mlopsc reads 'mlopsc/v1'")]),
    ("misspelled field", "models/m/ownr", "x",
     [("E202", "models.m.ownr", "unknown field 'ownr'")]),
    ("missing field", "models/m/version", _DELETE,
     [("E203", "models.m.version", "missing required field 'version'")]),
    ("number for a string", "models/m/version", 1.1,
     [("E204", "models.m.version", "version: expected a string, got a number (1.1)")]),
    ("bad enum", "models/m/stage", "prod",
     [("E205", "models.m.stage",
       "stage: 'prod' is not one of: development, staging, production, archived")]),
    ("out of range", "deployments/d/replicas", -1,
     [("E206", "deployments.d.replicas", "replicas: -1 is out of range (must be >= 0)")]),
    ("unresolved model", "deployments/d/model", "mm",
     [("E301", "deployments.d.model", "model 'mm' is not defined")]),
    ("unresolved environment", "deployments/d/environment", "production",
     [("E301", "deployments.d.environment", "environment 'production' is not defined")]),
    ("unresolved step output", "pipelines/train/steps/1/inputs", {"data": "prep.dataset"},
     [("E301", "pipelines.train.steps[1].inputs.data", "step 'prep' has no output 'dataset'")]),
    ("unknown placeholder", "pipelines/train/steps/1/args", ["$(inputs.dta)", "$(param.lr)"],
     [("E321", "pipelines.train.steps[1].args[0]",
       "placeholder '$(inputs.dta)': the step declares no input 'dta'"),
      ("E321", "pipelines.train.steps[1].args[1]",
       ("placeholder '$(param.lr)' is not of the form $(params.NAME), $(inputs.NAME), "
        "$(outputs.NAME) or $(results.NAME)")),
      ("W320", "pipelines.train.parameters.lr",
       "parameter 'lr' of pipeline 'train' is used by no step")]),
    ("cycle", "pipelines/train/steps/0/after", ["fit"],
     [("E302", "pipelines.train.steps[0].after",
       "steps of pipeline 'train' wait for each other: prep -> fit -> prep")]),
    ("bad name", "models/m/training/pipeline", "train",
     []),
    ("bad cron", "pipelines/train/schedule", "0 25 * * *",
     [("E304", "pipelines.train.schedule", "schedule: '0 25 * * *' is not a valid cron schedule")]),
    ("cron on February 30th", "pipelines/train/schedule", "0 0 30 2 *",
     [("E304", "pipelines.train.schedule",
       "schedule: '0 0 30 2 *' never fires: no month it names has that day")]),
    ("cron on the 31st of short months", "pipelines/train/schedule", "0 0 31 2,4,6 *",
     [("E304", "pipelines.train.schedule",
       "schedule: '0 0 31 2,4,6 *' never fires: no month it names has that day")]),
    ("cron on February 29th fires in leap years", "pipelines/train/schedule", "0 0 29 2 *", []),
    ("cron on the 31st or a Monday fires", "pipelines/train/schedule", "0 0 31 2 1", []),
    ("bad duration", "pipelines/train/timeout", "1.5h",
     [("E305", "pipelines.train.timeout", "timeout: '1.5h' is not a duration")]),
    ("falling canary", "deployments/d/rollout/steps", [{"weight": 50}, {"weight": 20}],
     [("E306", "deployments.d.rollout.steps[1].weight",
       "canary weight 20 does not rise above the previous step's 50")]),
    ("canary over 100", "deployments/d/rollout/steps", [{"weight": 10}, {"weight": 120}],
     [("E307", "deployments.d.rollout.steps[1].weight",
       "canary weight 120 is not between 1 and 100")]),
    ("objective 100", "slos/avail/objective", 100,
     [("E308", "slos.avail.objective", "objective 100.0 is not strictly between 0 and 100")]),
    # Pinning is policy (PIPE-001, MDL-008, DEP-008), not a semantic check: see test_one_home.
    ("untagged image", "deployments/d/image", "ghcr.io/a/s", []),
    ("latest image", "deployments/d/image", "ghcr.io/a/s:latest", []),
    ("strategy mix", "deployments/d/rollout/mirror_percent", 10,
     [("E312", "deployments.d.rollout.mirror_percent",
       "`mirror_percent` belongs to the shadow strategy, not canary")]),
    ("bad date", "models/m/approvals", [{"by": "a", "role": "r", "date": "2026-13-01"}],
     [("E314", "models.m.approvals[0].date", "date: '2026-13-01' is not a date")]),
    ("bad version", "models/m/version", "1.0",
     [("E315", "models.m.version", "version: '1.0' is not a semantic version")]),
    ("bad image", "deployments/d/image", "Not An Image",
     [("E316", "deployments.d.image", "image 'Not An Image' is not a valid image reference")]),
    ("bad quantity", "deployments/d/resources", {"cpu": "lots"},
     [("E317", "deployments.d.resources.cpu", "cpu: 'lots' is not a valid quantity")]),
    ("schedule online", "deployments/d/schedule", "0 1 * * *",
     [("E318", "deployments.d.schedule", "an online deployment has no `schedule`")]),
    ("analysis slo of another deployment", "slos/avail/deployment", "d2",
     [("E301", "slos.avail.deployment", "deployment 'd2' is not defined"),
      ("E319", "deployments.d.rollout.analysis.slos[0]",
       "SLO 'avail' belongs to deployment 'd2', not 'd'")]),
    ("unresolved training feature set", "models/m/training/feature_sets", ["event-features"],
     [("E301", "models.m.training.feature_sets[0]",
       "feature set 'event-features' is not defined")]),
    ("unresolved produced feature set", "pipelines/train/outputs/feature_sets", ["f"],
     [("E301", "pipelines.train.outputs.feature_sets[0]", "feature set 'f' is not defined")]),
    ("unused parameter", "pipelines/train/steps/1/args", ["$(inputs.data)"],
     [("W320", "pipelines.train.parameters.lr",
       "parameter 'lr' of pipeline 'train' is used by no step")]),
    ("unknown monitor feature", "monitors/drift/features", ["amount", "contry"],
     [("E301", "monitors.drift.features[1]", "field 'contry' is not defined")]),
    ("bad regex", "slos/avail/sli/error_selector", {"code": "5(("},
     [("E322", "slos.avail.sli.error_selector.code",
       "code: '5((' is not a valid RE2 regular expression (missing ): 5(()")]),
    ("latency without threshold", "slos/avail/sli/type", "latency",
     [("E312", "slos.avail.sli", "a latency SLI needs `threshold` (seconds)")]),
    # A secret in plain text is policy (SEC-005), not a semantic check: see test_one_home.
    ("secret literal", "deployments/d/env", {"API_TOKEN": "abc123", "MODE": "fast"}, []),
    ("unknown deployed version", "deployments/d/version", "9.9.9",
     [("W324", "deployments.d.version", "model 'm' has no version '9.9.9' (current: 1.0.0)")]),
    ("pipeline output disagrees", "models/m/training/pipeline", "other",
     [("E301", "models.m.training.pipeline", "pipeline 'other' is not defined"),
      ("E319", "pipelines.train.outputs.model",
       ("pipeline 'train' says it produces model 'm', but that model names pipeline 'other' "
        "as its training pipeline"))]),
    ("alert window longer than period", "slos/avail/alerting", {"tiers": [
        {"name": "slow", "severity": "warning", "burn_rate": 1, "long_window": "40d",
         "short_window": "6h"}]},
     [("E325", "slos.avail.alerting.tiers[0].long_window",
       "tier 'slow': window 40d is longer than the SLO period 30d")]),
    # value ranges (issue 13): messages as users read them
    ("zero SLO period", "slos/avail/period", "0s",
     [("E327", "slos.avail.period", "period: '0s' is zero; it must be longer than zero")]),
    ("period beyond Go", "slos/avail/period", "15251w",
     [("E327", "slos.avail.period",
       ("period: '15251w' is longer than 9223372036854ms (about 292 years), the longest "
       "duration Go, and so Prometheus, Kubernetes and Argo, can hold"))]),
    ("quantity with Arabic-Indic digits", "pipelines/train/steps/0/resources",
     {"cpu": "\u0665\u0660\u0660m"},
     [("E317", "pipelines.train.steps[0].resources.cpu",
       "cpu: '\u0665\u0660\u0660m' is not a valid quantity")]),
    ("quantity 1e400", "pipelines/train/steps/0/resources", {"memory": "1e400"},
     [("E328", "pipelines.train.steps[0].resources.memory",
       ("memory: '1e400' is out of range: above 2^63-1, the most a Kubernetes quantity holds "
       "(int64)"))]),
    ("env var name", "deployments/d/env", {"1X": "a"},
     [("E329", "deployments.d.env.1X", "'1X' is not a valid environment variable name")]),
    ("control character", "models/m/description", "a\x00b",
     [("E330", "models.m.description",
       "description: the value holds the control character U+0000 (at character 2)")]),
    ("regex repetition", "slos/avail/sli/error_selector", {"code": "(5{100}){100}"},
     [("E331", "slos.avail.sli.error_selector.code",
       "code: '(5{100}){100}' repeats too much for RE2 (invalid repetition size: {100})")]),
    ("default of another type", "pipelines/train/parameters/lr", {"type": "float",
                                                                  "default": "0.1"},
     [("E332", "pipelines.train.parameters.lr.default",
       "parameter 'lr': default '0.1' is not of type float")]),
    ("nan threshold", "monitors/drift/threshold", float("nan"),
     [("E208", "monitors.drift.threshold", "threshold: .nan is not a finite number")]),
    ("replicas beyond int32", "deployments/d/replicas", 2**31,
     [("E206", "deployments.d.replicas",
       "replicas: 2147483648 is out of range (must be <= 2147483647)")]),
]


@pytest.mark.parametrize("name,path,value,expected", CASES, ids=[c[0] for c in CASES])
def test_finding(name, path, value, expected):
    assert findings(mutate(path, value)) == expected


def test_feature_set_produced_from_data_the_pipeline_does_not_read():
    doc = copy.deepcopy(BASE)
    doc["features"] = {"f": {"version": "1.0.0", "source": "events", "entity": "country",
                             "features": ["amount"]}}
    doc["pipelines"]["train"]["outputs"]["feature_sets"] = ["f"]
    assert findings(doc) == [
        ("W326", "pipelines.train.outputs.feature_sets[0]",
         ("pipeline 'train' says it produces feature set 'f', but does not read its source "
         "dataset 'events'"))]
    doc["pipelines"]["train"]["inputs"] = [{"dataset": "events", "version": "1.0.0"}]
    assert findings(doc) == []


def test_invalid_name_is_reported_on_the_key():
    doc = copy.deepcopy(BASE)
    doc["models"]["Fraud_Model"] = doc["models"].pop("m")
    got = findings(doc)
    assert ("E303", "models.Fraud_Model", "'Fraud_Model' is not a valid name (DNS-1123 label)") \
        in got


def test_did_you_mean_hints():
    bag = Diagnostics()
    parse_spec(mutate("models/m/ownr", "x"), bag)
    assert [d.hint for d in bag] == ["did you mean 'owner'?"]
    compilation = Compilation(options=Options())
    compilation.spec = parse_spec(mutate("deployments/d/model", "mm"), compilation.diagnostics)
    PASSES[3].run(compilation)
    assert [d.hint for d in compilation.diagnostics] == ["did you mean 'm'?"]


@pytest.mark.parametrize("path,value,message,hint", [
    ("monitors", None, "monitors: expected a mapping, got null",
     "'monitors' has nothing under it: indent its fields below it, or delete the line"),
    ("models", ["m"], "models: expected a mapping, got a list",
     "write 'models' as `key: value` lines, without the '- ' of list items"),
    ("pipelines/train/steps", {"name": "prep"}, "steps: expected a list, got a mapping",
     "write each item of 'steps' on its own line starting with '- '"),
    ("deployments/d/replicas", "three", "replicas: expected an integer, got a string ('three')",
     "write the number without quotes or units"),
    ("models/m/version", 1.1, "version: expected a string, got a number (1.1)",
     'quote it: "1.1"'),
], ids=["null-mapping", "list-for-mapping", "mapping-for-list", "text-for-int",
        "number-for-string"])
def test_wrong_type_hint_fits_the_mistake(path, value, message, hint):
    """E204's hint depends on what was expected and what was found, never a stock text."""
    bag = Diagnostics()
    parse_spec(mutate(path, value), bag)
    wrong_type = [(d.message, d.hint) for d in bag if d.code == "E204"]
    assert wrong_type == [(message, hint)]


def test_duplicate_step_names():
    doc = copy.deepcopy(BASE)
    doc["pipelines"]["train"]["steps"][1]["name"] = "prep"
    got = [f for f in findings(doc) if f[0] == "E311"]
    assert got == [("E311", "pipelines.train.steps[1].name",
                    "step name 'prep' is used twice (first at index 0)")]
