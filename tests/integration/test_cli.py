"""The command-line contract: exit codes, one-line errors, atomic writes, --check, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsc.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = str(ROOT / "mlops.yaml")


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "mlopsc.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, **(env or {})}, check=False)


def test_validate_flagship_passes():
    run = run_cli("validate", FLAGSHIP)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("args,message", [
    (("validate", "does-not-exist.yaml"), "does-not-exist.yaml"),
    (("validate", str(ROOT / "examples")), "examples"),
    (("validate", "--no-such-flag"), "No such option"),
    (("compile", FLAGSHIP, "-o", "x", "--target", "inventroy"), "did you mean 'inventory'"),
    (("explain", "E3O6"), "unknown code"),
    (("compile", FLAGSHIP, "-o", "x", "--set", "nonsense"), "expected TARGET.KEY=VALUE"),
])
def test_could_not_run_is_exit_2_with_one_line(args, message, tmp_path):
    run = run_cli(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_binary_file_is_a_coded_error(tmp_path):
    spec = tmp_path / "mlops.yaml"
    spec.write_bytes(b"apiVersion: mlopsc/v1\nmetadata: {name: \xff\xfe}\n")
    run = run_cli("validate", str(spec), "--format", "json")
    assert run.returncode == 1
    (finding,) = json.loads(run.stdout)["diagnostics"]
    assert (finding["code"], finding["line"]) == ("E102", 2)


def test_compile_writes_manifest_and_check_detects_staleness(tmp_path):
    out = tmp_path / "out"
    assert main(["compile", FLAGSHIP, "-o", str(out), "--target", "inventory"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["generator"] == "mlopsc"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [f for f in files if f != "manifest.json"]
    assert main(["compile", FLAGSHIP, "-o", str(out), "--target", "inventory", "--check"]) == 0
    stale = next(iter(manifest["files"]))
    (out / stale).write_text("edited by hand\n")
    assert main(["compile", FLAGSHIP, "-o", str(out), "--target", "inventory", "--check"]) == 1


def test_failed_compile_leaves_the_output_directory_as_it_was(tmp_path):
    out = tmp_path / "out"
    assert main(["compile", FLAGSHIP, "-o", str(out), "--target", "inventory"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "mlops.yaml"
    broken.write_text(Path(FLAGSHIP).read_text().replace("weight: 20", "weight: 2"))
    assert main(["compile", str(broken), "-o", str(out), "--target", "inventory"]) == 1
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_refuses_to_replace_a_directory_it_did_not_write(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    run = run_cli("compile", FLAGSHIP, "-o", str(tmp_path), "--target", "inventory")
    assert run.returncode == 2
    assert "not written by mlopsc" in run.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_outputs_are_identical_across_runs_and_hash_seeds(tmp_path):
    trees = []
    for seed in ("0", "1", "12345"):
        out = tmp_path / f"out-{seed}"
        run = run_cli("compile", FLAGSHIP, "-o", str(out), "--today", "2026-11-20",
                      env={"PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stdout + run.stderr
        trees.append(_tree(out))
    assert trees[0] == trees[1] == trees[2]
    assert len(trees[0]) > 5


def test_key_order_in_the_input_does_not_change_outputs(tmp_path):
    import yaml

    document = yaml.safe_load(Path(FLAGSHIP).read_text())
    reordered = {k: document[k] for k in reversed(list(document))}
    reordered["models"] = {k: dict(reversed(list(v.items())))
                           for k, v in document["models"].items()}
    spec = tmp_path / "mlops.yaml"
    spec.write_text(yaml.safe_dump(reordered, sort_keys=False))
    assert main(["compile", str(spec), "-o", str(tmp_path / "a"), "--today", "2026-11-20"]) == 0
    assert main(["compile", FLAGSHIP, "-o", str(tmp_path / "b"), "--today", "2026-11-20"]) == 0
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_plugin_target_from_entry_point(tmp_path):
    run = run_cli("targets")
    assert "inventory\tmlopsc_inventory:INVENTORY\t" in run.stdout
    out = tmp_path / "out"
    assert main(["compile", FLAGSHIP, "-o", str(out), "--target", "inventory"]) == 0
    rows = (out / "inventory" / "inventory.csv").read_text().splitlines()
    assert rows[0] == ("deployment,environment,namespace,model,version,stage,risk_tier,"
                       "strategy,owner")
    assert "fraud-scorer,prod,fraud-prod,fraud-detector,2.3.0,production,high,canary,team-fraud" \
        in rows


def test_schema_command_prints_the_json_schema():
    run = run_cli("schema")
    schema = json.loads(run.stdout)
    assert schema["properties"]["apiVersion"]["const"] == "mlopsc/v1"
    assert schema == json.loads((ROOT / "schema" / "mlopsc-v1.json").read_text())


def test_explain():
    run = run_cli("explain", "e306")
    assert run.returncode == 0
    assert "canary weights do not rise" in run.stdout


def test_fail_on_warning_blocks_on_warnings(tmp_path):
    spec = ROOT / "tests" / "invalid" / "images.yaml"
    text = spec.read_text().replace('      - {name: c, image: "Acme Train", after: [b]}\n', "")
    # Only the image warnings: switch off the policy rules this bare pipeline breaks.
    text += "governance:\n  disabled_rules:\n" + "".join(
        f"    - {{rule: {rule}, reason: test, approver: t}}\n"
        for rule in ("GOV-001", "PIPE-001", "PIPE-003"))
    only_warnings = tmp_path / "mlops.yaml"
    only_warnings.write_text(text)
    assert main(["validate", str(only_warnings)]) == 0
    assert main(["validate", str(only_warnings), "--fail-on", "warning"]) == 1


def test_lineage_impact_and_upstream(capsys):
    assert main(["lineage", FLAGSHIP, "--impact", "dataset:transactions"]) == 0
    impact = capsys.readouterr().out.split()
    assert "model:fraud-detector" in impact and "deployment:fraud-scorer" in impact
    assert "slo:scorer-latency" in impact
    assert main(["lineage", FLAGSHIP, "--upstream", "slo:scorer-latency"]) == 0
    assert capsys.readouterr().out.split() == [
        "dataset:transactions", "deployment:fraud-scorer", "feature-set:transaction-features",
        "model:fraud-detector", "pipeline:fraud-features", "pipeline:fraud-training"]


def test_environment_overrides_reach_the_ir():
    from mlopsc import api

    base = api.validate(api.Options(spec=FLAGSHIP)).ir
    staging = api.validate(api.Options(spec=FLAGSHIP, environment="staging")).ir
    pick = {d.name: d for d in staging.deployments}["fraud-scorer"]
    assert (pick.environment, pick.namespace, pick.autoscaling.max_replicas) == \
        ("staging", "fraud-staging", 4)
    assert {d.name: d for d in base.deployments}["fraud-scorer"].autoscaling.max_replicas == 20


def test_unknown_environment_is_a_coded_usage_error(capsys):
    # A finding at its line with a did-you-mean, and exit 2 like an unknown --target: the
    # command line is what is wrong, not the spec.
    assert main(["validate", FLAGSHIP, "--env", "stagin", "--format", "json"]) == 2
    (finding,) = json.loads(capsys.readouterr().out)["diagnostics"]
    assert finding["code"] == "E114" and "staging" in finding["hint"]


def test_explain_a_policy_rule_of_the_default_bundle():
    run = run_cli("explain", "gov-001")
    assert run.returncode == 0
    assert run.stdout.startswith("GOV-001: Every asset has an owner\n")
    assert "policies/governance/ownership.rego:" in run.stdout


def test_explain_suggests_policy_rules_too(capsys):
    assert main(["explain", "DEP-0003"]) == 2
    assert capsys.readouterr().err == (
        "mlopsc: error: unknown code 'DEP-0003'; did you mean DEP-003?\n")


def test_orphan_dataset_is_a_warning(tmp_path, capsys):
    spec = tmp_path / "mlops.yaml"
    spec.write_text("apiVersion: mlopsc/v1\nmetadata: {name: t}\ndatasets:\n"
                    "  unused:\n    version: \"1.0.0\"\n    owner: team-a\n"
                    "    fields: [{name: a, type: string}]\n")
    main(["validate", str(spec), "--format", "json"])
    found = [(d["code"], d["line"], d["column"]) for d in
             json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == "W582"]
    assert found == [("W582", 4, 3)]


def test_a_line_break_in_the_spec_file_name_stays_inside_the_headers(tmp_path):
    hostile = tmp_path / "mlops\nimport os; os.system('x') #.yaml"
    hostile.write_bytes((ROOT / "mlops.yaml").read_bytes())
    out = tmp_path / "out"
    assert main(["compile", str(hostile), "-o", str(out)]) == 0
    headers = 0
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert "\nimport os" not in text, path
        headers += "from mlops\\nimport os; os.system('x') #.yaml; do not edit" in text
    assert headers >= 10


def test_policy_gate_imports_no_target_library_nor_networkx():
    # The policy gate alone (`api.validate(..., targets=False)`, what `report` runs) leaves
    # out kfp, Jinja2, the Kubernetes client, openlineage and networkx (the lineage graph is
    # built only when something reads it). `mlopsc validate` runs the targets' checks too.
    code = ("import sys, mlopsc.api as a; "
            "r = a.validate(a.Options(spec=sys.argv[1]), targets=False); "
            "assert not r.blocked(); "
            "print(','.join(m for m in ('kfp', 'jinja2', 'kubernetes', 'openlineage', "
            "'networkx') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "mlops.yaml")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_readme_example_output_is_what_validate_prints():
    """The README's `mlopsc validate` excerpt is real output: every shown line is printed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```text\n$ mlopsc validate ", 1)[1].split("```", 1)[0]
    command, *shown = block.splitlines()
    run = run_cli("validate", command, cwd=ROOT)
    printed = set(run.stdout.splitlines())
    echo = shown.index("$ echo $?")
    assert run.returncode == int(shown[echo + 1])
    missing = [line for line in shown[:echo] if line != "..." and line not in printed]
    assert missing == [], "README.md shows lines that validate does not print"


def test_a_closed_pipe_is_not_a_traceback():
    """`mlopsc schema | head`: the reader leaves early; mlopsc exits quietly like SIGPIPE."""
    process = subprocess.Popen([sys.executable, "-m", "mlopsc", "schema"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(10) == b'{\n  "$defs'
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == b""


def test_an_ascii_terminal_gets_escapes_not_a_traceback(tmp_path):
    new = tmp_path / "mlops.yaml"
    new.write_text(Path(FLAGSHIP).read_text().replace("    risk_tier: high\n",
                                                      "    risk_tier: medium\n"))
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    diff = subprocess.run([sys.executable, "-m", "mlopsc", "report", "diff", FLAGSHIP, str(new)],
                          capture_output=True, env=env, check=False)
    assert (diff.returncode, diff.stderr) == (0, b"")
    # Generated content is written as UTF-8 bytes whatever the terminal's encoding.
    assert "risk tier high → medium".encode() in diff.stdout
    spec = tmp_path / "bad.yaml"
    spec.write_text("apiVersion: mlopsc/v1\nmetadata: {name: t}\nmodels:\n  m:\n"
                    "    version: \"1.0.0\"\n    ownér: x\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "mlopsc", "validate", str(spec)],
                         capture_output=True, env=env, check=False)
    assert bad.returncode == 1 and b"Traceback" not in bad.stderr + bad.stdout
    assert b"own\\xe9r" in bad.stdout


def test_output_file_that_cannot_be_written(tmp_path, capsys):
    target = tmp_path / "missing" / "findings.sarif"
    assert main(["validate", FLAGSHIP, "--format", "sarif", "--output-file", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"mlopsc: error: cannot write {target}: No such file or directory\n")


def test_lineage_output_file_holds_the_graph_and_findings_go_to_stderr(tmp_path, capsys):
    target = tmp_path / "g.dot"
    assert main(["lineage", FLAGSHIP, "--graph-format", "dot", "--output-file",
                 str(target)]) == 0
    assert 'digraph "fraud-platform"' in target.read_text()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("setting,message", [
    ("kubernetes.flavr=kserve", ("--set kubernetes.flavr: target 'kubernetes' has no setting "
     "'flavr'; did you mean 'kubernetes.flavour'?")),
    ("kubernetes.flavour=kservee", ("--set kubernetes.flavour=kservee: must be one of "
     "deployment, kserve")),
    ("prometheus.unit-tests=no", "--set prometheus.unit-tests=no: must be one of true, false"),
    ("prometheus.namespace=Bad_NS", ("--set prometheus.namespace=Bad_NS: expected a namespace "
     "name (DNS-1123 label)")),
    ("kubernets.flavour=kserve", "unknown target 'kubernets'; did you mean 'kubernetes'?"),
    ("airflow.artifact-root=relative", ("--set airflow.artifact-root=relative: expected an "
     "absolute path")),
    ("airflow.artifact-root=/x$(REGISTRY_TOKEN)", ("--set airflow.artifact-root=/x$(REGISTRY_TOKEN)"
     ": expected an absolute path of letters, digits and . _ - / (no $")),
])
def test_a_mistyped_setting_is_refused(tmp_path, capsys, setting, message):
    out = tmp_path / "out"
    assert main(["compile", FLAGSHIP, "-o", str(out), "--set", setting]) == 2
    assert capsys.readouterr().err.startswith(f"mlopsc: error: {message}")
    assert not out.exists()


def test_a_plugin_reads_only_the_settings_it_declares(tmp_path, capsys):
    # Settings come from the declaration; a plugin that declares none reads none, so a
    # mistyped or unknown --set never passes silently.
    out = tmp_path / "out"
    assert main(["compile", FLAGSHIP, "-o", str(out), "--target", "inventory",
                 "--set", "inventory.anything=goes"]) == 2
    assert capsys.readouterr().err.startswith(
        "mlopsc: error: --set inventory.anything: target 'inventory' has no setting "
        "'anything' (its settings: none)")
    assert not out.exists()
