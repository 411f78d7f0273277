"""`mlopsc lineage`: --graph-format prints what compile writes; findings stay off stdout;
W583 for models no pipeline produces."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from mlopsc import api
from mlopsc.cli import main
from mlopsc.cli.cmd_lineage import GRAPH_FORMATS
from mlopsc.lineage.output import FORMATS, ON_REQUEST

FLAGSHIP = str(ROOT / "mlops.yaml")

ORPHANS = """\
apiVersion: mlopsc/v1
metadata: {name: t}
datasets:
  unused:
    version: "1.0.0"
    owner: team-a
    fields: [{name: a, type: string}]
models:
  untrained:
    version: "1.0.0"
    owner: team-a
"""


def run_cli(*args: str, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "-m", "mlopsc.cli", *args], capture_output=True,
                          cwd=cwd, env={**env, "NO_COLOR": "1"}, check=False)


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_formats_of_the_cli_are_the_formats_written_and_svg():
    assert (*FORMATS, *ON_REQUEST) == GRAPH_FORMATS


@pytest.mark.parametrize("fmt", tuple(FORMATS))
def test_graph_format_prints_the_bytes_compile_writes(fmt, capsysbinary):
    written = {a.path: a.content for a in
               api.compile(api.Options(spec=FLAGSHIP, targets=())).artifacts}
    assert main(["lineage", FLAGSHIP, "--graph-format", fmt]) == 0
    out = capsysbinary.readouterr()
    assert out.out == written[f"lineage/{FORMATS[fmt][0]}"]
    assert out.err == b""


def test_svg_is_the_drawing_of_the_report_page_with_one_group_per_node(capsysbinary):
    import xml.etree.ElementTree as ET

    from mlopsc.lineage.svg import svg_element

    assert main(["lineage", FLAGSHIP, "--graph-format", "svg"]) == 0
    out = capsysbinary.readouterr()
    assert out.err == b""
    text = out.out.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- ')
    graph = api.compile(api.Options(spec=FLAGSHIP, targets=())).compilation.lineage
    assert svg_element(graph) in text  # the governance report's drawing, byte for byte
    root = ET.fromstring(text.split("\n", 2)[2])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    labels = {t.text for t in root.iter("{http://www.w3.org/2000/svg}tspan")}
    assert {"fraud-scorer", "transactions"} <= labels


def test_node_link_json_is_the_default(capsysbinary):
    assert main(["lineage", FLAGSHIP]) == 0
    graph = json.loads(capsysbinary.readouterr().out)
    assert graph["graph"] == {"name": "fraud-platform"}
    assert len(graph["nodes"]) == 16 and len(graph["edges"]) == 20


@pytest.mark.parametrize("args,message", [
    (("--graph-format", "png"), "Invalid value for '--graph-format': 'png' is not one of"),
    (("--graph-format", "dot", "--impact", "dataset:transactions"),
     "--graph-format prints the whole graph; leave it out with --impact or --upstream"),
    (("--upstream", "model:fraud-detectr"),
     "no node 'model:fraud-detectr' in the lineage graph; did you mean 'model:fraud-detector'?"),
    (("--impact", "nothing-like-it"), "no node 'nothing-like-it' in the lineage graph\n"),
])
def test_could_not_run_is_exit_2_with_one_line(args, message):
    done = run_cli("lineage", FLAGSHIP, *args)
    assert done.returncode == 2
    assert message in done.stderr.decode()
    assert len(done.stderr.decode().strip().splitlines()) == 1
    assert done.stdout == b""


def test_impact_of_the_flagship_dataset():
    done = run_cli("lineage", FLAGSHIP, "--impact", "dataset:transactions")
    assert done.returncode == 0
    assert done.stdout.decode().split() == [
        "deployment:fraud-scorer", "deployment:fraud-scorer-shadow",
        "feature-set:transaction-features", "model:fraud-detector",
        "monitor:scorer-feature-drift", "monitor:scorer-performance",
        "monitor:shadow-feature-drift", "monitor:transactions-freshness",
        "monitor:transactions-quality", "pipeline:fraud-features", "pipeline:fraud-training",
        "slo:scorer-availability", "slo:scorer-latency", "slo:shadow-availability",
        "slo:shadow-latency"]


def test_warnings_go_to_stderr_and_the_graph_to_stdout(tmp_path):
    (tmp_path / "mlops.yaml").write_text(ORPHANS)
    done = run_cli("lineage", "--graph-format", "mermaid", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.decode().splitlines()[1:4] == [
        "flowchart LR",
        '    dataset_unused[("unused<br>dataset 1.0.0<br>team-a")]',
        '    model_untrained{{"untrained<br>model 1.0.0<br>team-a"}}']
    err = done.stderr.decode()
    assert "mlops.yaml:4:3: warning[W582]: dataset 'unused' is not read" in err
    assert "mlops.yaml:9:3: warning[W583]: model 'untrained' is produced by no pipeline" in err


def test_fail_on_warning_blocks_and_prints_findings_not_the_graph(tmp_path):
    (tmp_path / "mlops.yaml").write_text(ORPHANS)
    done = run_cli("lineage", "--fail-on", "warning", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    codes = [d["code"] for d in json.loads(done.stdout)["diagnostics"]]
    assert codes == ["W582", "W583"]


def test_an_invalid_spec_blocks_with_its_errors(tmp_path):
    (tmp_path / "mlops.yaml").write_text(ORPHANS.replace("untrained:", "Untrained:"))
    done = run_cli("lineage", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    # The model with the error gets no lineage warning (its name is what is wrong), the
    # unread dataset still does: one run shows both.
    assert [d["code"] for d in json.loads(done.stdout)["diagnostics"]] == ["W582", "E303"]


PIPELINE = """\
pipelines:
  train:
    orchestrator: airflow
    owner: team-a
    steps: [{name: fit, image: "registry.example/fit:1.0.0"}]
"""


@pytest.mark.parametrize("extra,model_lines,expected", [
    ("", "", [("W583", 9, 3)]),
    (PIPELINE, "    training: {pipeline: train}\n", []),
    (PIPELINE + "    outputs: {model: untrained}\n", "", []),
    # a pipeline that reads the dataset but produces nothing leaves the model untrained
    (PIPELINE + "    inputs: [{dataset: unused, version: \"1.0.0\"}]\n", "", [("W583", 9, 3)]),
])
def test_w583_model_without_a_producing_pipeline(extra, model_lines, expected, tmp_path):
    spec = tmp_path / "mlops.yaml"
    spec.write_text(ORPHANS + model_lines + extra)
    result = api.validate(api.Options(spec=str(spec)))
    found = [(d.code, d.span.line, d.span.column) for d in result.diagnostics
             if d.code == "W583"]
    assert found == expected
    if expected:
        (finding,) = [d for d in result.diagnostics if d.code == "W583"]
        assert (finding.path, finding.message) == (
            "models.untrained", "model 'untrained' is produced by no pipeline")
        assert finding.hint.startswith("name the pipeline in the model's `training.pipeline`")


def test_cli_module_imports_no_graph_library():
    code = ("import sys, mlopsc.cli, mlopsc.cli.cmd_lineage; "
            "print(sorted(m for m in ('networkx', 'openlineage') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "[]\n"
