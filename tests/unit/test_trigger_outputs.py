"""The trigger outputs as written: the Airflow watcher DAG's source (spec values only as
Python literals) and the KFP trigger's manifests (restricted pod, config.json with the IR's
parameter names, no spec value in env or args). Their behaviour against real Prometheus,
Airflow and a KFP API fake is tests/integration/test_trigger_e2e.py's."""

from __future__ import annotations

import ast
import dataclasses
import json
from types import SimpleNamespace

import pytest
import yaml

from mlopsc import ir
from mlopsc.diagnostics import Diagnostics
from mlopsc.target import EmitOptions
from mlopsc.targets.airflow import watcher
from mlopsc.targets.airflow.target import environment
from mlopsc.targets.kubeflow import trigger

HOSTILE = "m'\"\n{{ ds }}{% if 1 %}\\x\u2028"


def _constants(source: str) -> dict[str, object]:
    tree = ast.parse(source)
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


@pytest.mark.parametrize("monitor", ["scorer-feature-drift", HOSTILE])
def test_watcher_holds_spec_values_as_literals(monitor):
    data = watcher.watcher(monitor, ["train"], {})
    source = environment().get_template("watcher.py.j2").render(w=data, header="h")
    constants = _constants(source)
    assert constants["MONITOR"] == monitor
    assert constants["CONN_ID"] == "mlopsc_prometheus"
    # The monitor is never a task argument (op_args/op_kwargs are rendered with Jinja).
    assert "watch()" in source and "watch(MONITOR" not in source


def test_watcher_settings():
    data = watcher.watcher("m", ["a", "b"], {"airflow.prometheus-conn": "prom",
                                             "airflow.trigger-cooldown": "2h30m",
                                             "airflow.watch-interval": "30s"})
    assert (data["conn_id"], data["cooldown_s"], data["interval_s"]) == ("prom", 9000, 30)
    assert (data["asset_name"], data["asset_uri"]) == ("monitor-m", "mlopsc://monitors/m")
    assert data["dag_id"] == "mlopsc-watch-m"


def _pipeline(**changes):
    base = SimpleNamespace(
        name="fraud-training", namespace="ml-prod", service_account="trainer",
        triggers=(ir.Trigger(type="drift", monitor="monitor:drift-b"),
                  ir.Trigger(type="performance", monitor="monitor:perf-a"),
                  ir.Trigger(type="data_change", dataset="dataset:d"),
                  ir.Trigger(type="manual")),
        parameters=(SimpleNamespace(name="learning-rate", default=0.1),
                    SimpleNamespace(name="text", default="$(HOME) {{x}}"),
                    SimpleNamespace(name="required", default=None)))
    return SimpleNamespace(**{**vars(base), **changes})


def test_kfp_trigger_manifests():
    p = _pipeline()
    docs = list(yaml.safe_load_all(trigger.definition(p, {}, 600, "h")))
    assert [d["kind"] for d in docs] == ["ServiceAccount", "Role", "RoleBinding", "ConfigMap",
                                         "CronJob"]
    assert {d["metadata"]["namespace"] for d in docs} == {"ml-prod"}
    config = json.loads(docs[3]["data"]["config.json"])
    assert config == {"pipeline": "fraud-training", "monitors": ["drift-b", "perf-a"],
                      "cooldown_s": 600, "namespace": "ml-prod", "service_account": "trainer",
                      "parameters": {"learning_rate": 0.1, "text": "$(HOME) {{x}}"}}
    with open(trigger.__file__.replace("trigger.py", "run_on_alert.py"),
              encoding="utf-8") as handle:
        assert docs[3]["data"]["run_on_alert.py"] == handle.read()
    cron = docs[4]["spec"]
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    # Restricted Pod Security Standard.
    assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": 65534,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    assert container["securityContext"] == {"allowPrivilegeEscalation": False,
                                            "readOnlyRootFilesystem": True,
                                            "capabilities": {"drop": ["ALL"]}}
    assert "hostNetwork" not in pod and "volumes" in pod
    assert all("hostPath" not in v for v in pod["volumes"])
    # No spec value where Kubernetes expands $(VAR): env and command are mlopsc's own.
    assert "$(" not in json.dumps([container["env"], container["command"]])
    assert cron["concurrencyPolicy"] == "Forbid"


def test_kfp_trigger_names_fit_a_cronjob():
    long = _pipeline(name="p" * 63, namespace=None)
    assert len(trigger.name(long)) == trigger.MAX_CRONJOB_NAME
    assert trigger.name(long) != trigger.name(_pipeline(name="p" * 62 + "q"))
    docs = list(yaml.safe_load_all(trigger.definition(long, {}, 60, "h")))
    assert all("namespace" not in d["metadata"] for d in docs)


def test_trigger_monitors_only_for_monitor_triggers():
    assert trigger.monitors(_pipeline()) == ["drift-b", "perf-a"]
    assert trigger.monitors(_pipeline(triggers=(ir.Trigger(type="manual"),))) == []
    assert watcher.watched([_pipeline()]) == {"drift-b": ["fraud-training"],
                                               "perf-a": ["fraud-training"]}


def test_watcher_dag_id_clash_is_e521():
    p = SimpleNamespace(name="mlopsc-watch-m", path="pipelines.mlopsc-watch-m", triggers=(),
                        orchestrator="airflow")
    q = SimpleNamespace(name="train", path="pipelines.train", orchestrator="airflow",
                        triggers=(ir.Trigger(type="drift", monitor="monitor:m"),))
    from mlopsc.targets.airflow.target import _watcher_clashes

    bag = Diagnostics()
    skip = _watcher_clashes([p, q], bag)
    assert skip == {"m"}
    assert [d.code for d in bag] == ["E521"]
    out = watcher.emit(SimpleNamespace(datasets=()), [p, q],
                       environment().get_template("watcher.py.j2"),
                       EmitOptions("0", "mlops.yaml"), Diagnostics(), skip)
    assert out == []


def test_dataclass_pipeline_has_the_fields_used():
    names = {f.name for f in dataclasses.fields(ir.Pipeline)}
    assert {"name", "namespace", "service_account", "triggers", "parameters"} <= names


def _continuous_monitor_triggers(ir_):
    """(pipeline, monitor) for every continuously trained model whose training pipeline
    PIPE-005 lets pass on a drift or performance trigger."""
    pipelines = {p.id: p for p in ir_.pipelines}
    out = set()
    for m in ir_.models:
        p = pipelines.get(m.training.pipeline) if m.training else None
        if p is None or not getattr(m.training, "continuous", False):
            continue
        out |= {(p.name, t.monitor.partition(":")[2]) for t in p.triggers
                if t.type in ("drift", "performance")}
    return out


@pytest.mark.parametrize("orchestrator", ["kubeflow", "airflow"])
def test_pipe005_and_the_outputs_agree(orchestrator):
    """PIPE-005 passes a continuously trained model on a drift or performance trigger; the
    outputs then hold what starts the run on that alert, in either orchestrator."""
    from mlopsc import api
    from mlopsc.targets.airflow import AirflowTarget
    from mlopsc.targets.kubeflow import KubeflowTarget

    result = api.validate(api.Options(spec="mlops.yaml"))
    assert result.ir is not None
    assert "PIPE-005" not in {d.code for d in result.diagnostics}
    ir_ = dataclasses.replace(result.ir, pipelines=tuple(
        dataclasses.replace(p, orchestrator=orchestrator) for p in result.ir.pipelines))
    pairs = _continuous_monitor_triggers(ir_)
    assert pairs, "the flagship retrains on drift"
    target = KubeflowTarget() if orchestrator == "kubeflow" else AirflowTarget()
    files = {a.path: a.content for a in target.emit(ir_, EmitOptions("0", "mlops.yaml"),
                                                    Diagnostics())}
    for pipeline, monitor in pairs:
        if orchestrator == "kubeflow":
            config = yaml.safe_load_all(files[f"{pipeline}.trigger.yaml"])
            [configmap] = [d for d in config if d["kind"] == "ConfigMap"]
            assert monitor in json.loads(configmap["data"]["config.json"])["monitors"]
        else:
            source = files[f"dags/mlopsc-watch-{monitor}.py"].decode()
            assert _constants(source)["MONITOR"] == monitor


def test_the_kfp_cooldown_counts_only_this_pipelines_runs():
    """KFP's display-name filter is a substring match: a run of `new-fraud-training` holds
    `fraud-training on alert `. Only runs whose name starts with the prefix count, however
    many newer runs of the other pipeline come first (KFP pages them, newest first)."""
    from mlopsc.targets.kubeflow import run_on_alert

    class Paged(run_on_alert.Kfp):
        """KFP's list semantics: ``page_size`` items per page, an opaque next-page token."""

        def __init__(self, runs):
            self.runs, self.calls = runs, 0

        def _list(self, path, field, predicate, page_size=1, page_token=""):
            self.calls += 1
            start = int(page_token or 0)
            found = [r for r in self.runs if predicate["string_value"] in r["display_name"]]
            end = start + page_size
            return found[start:end], (str(end) if end < len(found) else "")

    prefix = "fraud-training on alert "
    others = [{"display_name": f"new-fraud-training on alert drift since {i}"}
              for i in range(run_on_alert.PAGE_SIZE + 5)]
    ours = {"display_name": "fraud-training on alert drift since 2"}
    assert Paged(others).last_run(prefix, "IS_SUBSTRING") is None
    listed = Paged([*others, ours, {"display_name": "fraud-training on alert drift since 1"}])
    assert listed.last_run(prefix, "IS_SUBSTRING") == ours
    assert listed.calls == 2  # found on the second page
    crowded = Paged([others[0]] * (run_on_alert.PAGE_SIZE * run_on_alert.MAX_PAGES + 1))
    with pytest.raises(RuntimeError, match="cannot tell the cooldown"):
        crowded.last_run(prefix, "IS_SUBSTRING")
