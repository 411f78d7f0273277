"""The Mermaid export read by Mermaid's own parser (npm `mermaid`, pinned in tests/node and
installed by scripts/test.sh): what it reads is exactly the graph, hostile strings included."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import networkx as nx
import pytest
from conftest import ROOT, compilable_specs, example_id
from test_lineage_escaping import CONTROLS, HOSTILE, NOTICE, hostile_graph, mermaid_text

from mlopsc import api
from mlopsc.lineage.common import node_label
from mlopsc.lineage.mermaid import mermaid_ids, render_mermaid

pytestmark = pytest.mark.integration

NODE_TOOLS = ROOT / "tests" / "node"
# The flowchart node shapes the exporter writes per kind, as Mermaid names them.
SHAPES = {"dataset": "cylinder", "feature-set": "cylinder", "pipeline": "subroutine",
          "model": "hexagon", "deployment": "round", "slo": "stadium", "monitor": "stadium"}


def mermaid_parse(texts: dict[str, str], tmp_path) -> dict[str, dict]:
    """Run Mermaid's parser on each text; {name: what it read, or {"error": ...}}."""
    node = shutil.which("node")
    if node is None or not (NODE_TOOLS / "node_modules" / "mermaid").is_dir():
        pytest.fail("Mermaid's parser is not installed: run scripts/test.sh, or "
                    "`npm ci --prefix tests/node` with Node.js 18 or newer")
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name}.mmd"
        paths[name].write_text(text, encoding="utf-8")
    done = subprocess.run([node, str(NODE_TOOLS / "mermaid_parse.mjs"),
                           *map(str, paths.values())], capture_output=True, text=True,
                          check=True, timeout=120)
    read = json.loads(done.stdout)
    return {name: read[str(path)] for name, path in paths.items()}


def parsed_text(text: str) -> str:
    """A label as Mermaid's parser holds it: entity codes ``#34;`` are kept as placeholders
    ``\ufb02\u00b0\u00b034\u00b6\u00df`` until rendering; decode both to characters."""
    return mermaid_text(re.sub("\ufb02\u00b0\u00b0(\\d+)\u00b6\u00df", r"#\1;", text))


def assert_reads_as(parsed: dict, graph: nx.DiGraph) -> None:
    assert "error" not in parsed, parsed
    assert parsed["type"] == "flowchart-v2"
    ids = mermaid_ids(graph)
    vertices = {v["id"]: (v["type"], parsed_text(v["text"]), v["classes"])
                for v in parsed["vertices"]}
    assert vertices == {
        ids[n]: (SHAPES[a["kind"]], node_label(a), [a["kind"].replace("-", "_")])
        for n, a in graph.nodes(data=True)}
    assert sorted((e["start"], e["end"], parsed_text(e["text"])) for e in parsed["edges"]) == \
        sorted((ids[s], ids[t], r) for s, t, r in graph.edges(data="relation"))


def test_every_example_reads_back_as_its_graph(tmp_path):
    graphs, texts = {}, {}
    for spec in compilable_specs():
        result = api.compile(api.Options(spec=str(spec), targets=()))
        name = example_id(spec)
        graphs[name] = result.compilation.lineage
        texts[name] = next(a.content.decode() for a in result.artifacts
                           if a.path == "lineage/graph.mmd")
    for name, parsed in mermaid_parse(texts, tmp_path).items():
        assert_reads_as(parsed, graphs[name])


def test_hostile_strings_stay_labels(tmp_path):
    graph = hostile_graph()
    graph.nodes["model:b"]["name"] = CONTROLS
    graph.add_node("feature-set:end", kind="feature-set", name="end", owner="%%{init: {}}%%")
    graph.add_edge("dataset:a", "feature-set:end", relation="derives")
    (parsed,) = mermaid_parse({"hostile": render_mermaid(graph, NOTICE)}, tmp_path).values()
    assert_reads_as(parsed, graph)
    assert any(HOSTILE in parsed_text(v["text"]) for v in parsed["vertices"])


def test_the_parser_refuses_a_broken_flowchart(tmp_path):
    # The check can fail: text that is not a flowchart Mermaid can read is reported.
    broken = 'flowchart LR\n    a["x"] --> b["y\n'
    (parsed,) = mermaid_parse({"broken": broken}, tmp_path).values()
    assert "error" in parsed
