"""One run shows every finding: semantic errors in one entity do not hide the policy findings
of the spec, and a spec with errors never reaches the targets."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from mlopsc import api
from mlopsc.cli import main
from mlopsc.driver import Options, run
from mlopsc.passes import lower

ROOT = Path(__file__).resolve().parents[2]
INVALID = sorted((ROOT / "tests" / "invalid").glob("*.yaml"))
NONCOMPLIANT = ROOT / "examples" / "noncompliant" / "mlops.yaml"


def codes(result) -> set[str]:
    return {d.code for d in result.diagnostics}


def spec_file(tmp_path: Path, document: dict) -> str:
    path = tmp_path / "mlops.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return str(path)


def noncompliant() -> dict:
    return yaml.safe_load(NONCOMPLIANT.read_text())


def test_semantic_and_policy_findings_in_one_run():
    found = codes(api.validate(Options(spec=str(ROOT / "tests/invalid/canary-weights.yaml"))))
    assert {"E306", "E307", "DEP-003", "DEP-005", "DEP-006", "GOV-001"} <= found


def test_an_error_in_one_entity_keeps_the_findings_of_the_others(tmp_path):
    clean = codes(api.validate(Options(spec=str(NONCOMPLIANT))))
    document = noncompliant()
    document["deployments"]["credit-api"]["rollout"]["steps"] = [{"weight": 50}, {"weight": 20}]
    document["pipelines"]["credit-training"]["steps"][0]["after"] = ["train"]  # a cycle
    broken = codes(api.validate(Options(spec=spec_file(tmp_path, document))))
    assert {"E302", "E306"} <= broken
    assert clean <= broken, sorted(clean - broken)


def test_a_dangling_reference_is_lowered_and_judged(tmp_path):
    document = noncompliant()
    document["deployments"]["credit-api"]["model"] = "credit-scorr"
    compilation = run(Options(spec=spec_file(tmp_path, document)), until="policy")
    assert "E301" in {d.code for d in compilation.diagnostics}
    assert compilation.left_out == []
    deployment = compilation.ir.get("deployment:credit-api")
    assert deployment.model == "model:credit-scorr" and deployment.version == ""
    assert "DEP-003" in {d.code for d in compilation.diagnostics}


def test_a_step_cycle_keeps_every_step(tmp_path):
    document = noncompliant()
    steps = document["pipelines"]["credit-training"]["steps"]
    steps.append({**copy.deepcopy(steps[0]), "name": "report", "after": ["train"]})
    steps[0]["after"] = ["report"]
    compilation = run(Options(spec=spec_file(tmp_path, document)), until="policy")
    assert "E302" in {d.code for d in compilation.diagnostics}
    pipeline = compilation.ir.get("pipeline:credit-training")
    assert [s.name for s in pipeline.steps] == ["train", "report"]


@pytest.mark.parametrize("spec", INVALID, ids=[p.stem for p in INVALID])
def test_every_invalid_spec_leaves_out_only_entities_with_schema_errors(spec):
    """Parse leaves out an entity with schema errors; the guard in lowering (leave out what
    fails to lower) must never be what saves a known case."""
    compilation = run(Options(spec=str(spec)), until="policy")
    schema = {lower.entity_of(d.path) for d in compilation.diagnostics
              if d.code[:2] in ("E1", "E2")}
    assert {tuple(p.split(".", 1)) for p in compilation.left_out} <= schema


def test_an_entity_that_cannot_be_lowered_is_left_out(tmp_path, monkeypatch):
    document = noncompliant()
    document["deployments"]["credit-api"]["rollout"]["steps"] = [{"weight": 50}, {"weight": 20}]
    original = lower._deployment

    def fails(name, *args):
        if name == "credit-api":
            raise ValueError("a case lowering did not foresee")
        return original(name, *args)

    monkeypatch.setattr(lower, "_deployment", fails)
    compilation = run(Options(spec=spec_file(tmp_path, document)), until="policy")
    assert compilation.left_out == ["deployments.credit-api"]
    assert not any(d.id == "deployment:credit-api" for d in compilation.ir.deployments)
    found = {d.code for d in compilation.diagnostics}
    assert "E306" in found and "PIPE-001" in found
    assert not found & {"W582", "W583"}  # lineage warnings wait: an edge is missing
    document["deployments"]["credit-api"]["rollout"]["steps"] = [{"weight": 5}]
    with pytest.raises(ValueError):  # without an error of its own, a failure is a bug
        run(Options(spec=spec_file(tmp_path, document)), until="policy")


def test_compile_with_a_semantic_error_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    spec = str(ROOT / "tests/invalid/canary-weights.yaml")
    assert main(["compile", spec, "-o", str(out)]) == 1
    assert not out.exists()
    assert "DEP-003" in capsys.readouterr().out
    result = api.compile(Options(spec=spec))
    assert result.compilation.partial and result.compilation.ir is not None
    assert result.ir is None and result.artifacts == [] and result.compilation.artifacts == []


def test_targets_never_see_a_partial_ir():
    from mlopsc.passes.emit import emit

    compilation = run(Options(spec=str(ROOT / "tests/invalid/canary-weights.yaml")),
                      until="policy")
    emit(compilation)  # as plan does for a base whose gate blocks
    assert compilation.artifacts == []


def test_report_refuses_a_spec_with_semantic_errors(capsys):
    assert main(["report", str(ROOT / "tests/invalid/canary-weights.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "E306" in captured.err


def test_a_whole_document_error_still_stops_early():
    compilation = run(Options(spec=str(ROOT / "tests/invalid/yaml-syntax.yaml")),
                      until="policy")
    assert compilation.spec is None and compilation.ir is None and compilation.policy is None


def test_a_policy_finding_at_the_place_of_an_error_is_left_out(tmp_path):
    document = noncompliant()
    steps = document["pipelines"]["credit-training"]["steps"]
    steps[0]["image"] = "Credit Train"  # E316: not an image, so "not pinned" says nothing
    found = api.validate(Options(spec=spec_file(tmp_path, document))).diagnostics
    at_image = [d.code for d in found if d.path == "pipelines.credit-training.steps[0].image"]
    assert at_image == ["E316"]
    assert "PIPE-003" in {d.code for d in found if d.path.startswith("pipelines.credit")}


def test_lineage_warnings_leave_a_broken_entity_alone(tmp_path):
    document = noncompliant()
    document["models"]["credit-scorer"]["training"]["pipeline"] = "credit-trainig"
    del document["pipelines"]["credit-training"]["outputs"]
    found = {(d.code, d.path) for d in api.validate(
        Options(spec=spec_file(tmp_path, document))).diagnostics}
    assert ("E301", "models.credit-scorer.training.pipeline") in found
    assert not any(code == "W583" for code, _ in found)  # the misspelling is the problem
    del document["models"]["credit-scorer"]["training"]["pipeline"]
    found = {(d.code, d.path) for d in api.validate(
        Options(spec=spec_file(tmp_path, document))).diagnostics}
    assert ("W583", "models.credit-scorer") in found


def test_schema_semantic_and_policy_findings_in_one_run(tmp_path):
    document = noncompliant()
    document["monitors"]["applicant-drift"]["windw"] = "1h"  # E202: the monitor is left out
    document["pipelines"]["credit-training"]["steps"][0]["after"] = ["train"]  # E302
    compilation = run(Options(spec=spec_file(tmp_path, document)), until="policy")
    found = {(d.code, d.path.split(".")[1]) for d in compilation.diagnostics if d.path}
    assert compilation.left_out == ["monitors.applicant-drift"]
    assert {("E202", "applicant-drift"), ("E302", "credit-training"),
            ("PIPE-004", "credit-training"), ("MDL-009", "credit-scorer")} <= found
    # Neighbours of the monitor it left out (its deployment and dataset) wait: they would
    # be told what only the missing monitor lacks, or has.
    assert not {name for code, name in found if "-" in code} & {"credit-api", "applications"}
    assert not {code for code, _ in found} & {"W582", "W583"}


def test_a_reference_to_an_entity_with_schema_errors_is_not_unresolved(tmp_path):
    document = noncompliant()
    document["models"]["credit-scorer"]["stage"] = "prod"  # E205
    found = [d.code for d in api.validate(Options(spec=spec_file(tmp_path, document))).diagnostics]
    assert "E205" in found and "E301" not in found  # the deployment's model exists


def test_a_schema_error_outside_every_entity_stops_before_the_checks(tmp_path):
    document = noncompliant()
    document["metadata"]["nme"] = "x"
    document["pipelines"]["credit-training"]["steps"][0]["after"] = ["train"]
    compilation = run(Options(spec=spec_file(tmp_path, document)), until="policy")
    assert compilation.spec is None and compilation.policy is None
    assert [d.code for d in compilation.diagnostics] == ["E202"]
