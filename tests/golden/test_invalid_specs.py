"""Golden cases of invalid specs: each tests/invalid/NAME.yaml is paired with NAME.expected,
the exact text output of `mlopsc validate` (codes, spans, carets, hints) and its exit code.

`python3 -m pytest tests/golden --update-goldens` rewrites the .expected files (with every
other golden); review their diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlopsc.cli import main

INVALID = Path(__file__).parent.parent / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))


@pytest.mark.parametrize("spec", CASES, ids=[p.stem for p in CASES])
def test_invalid_spec_diagnostics(spec, request, capsys, monkeypatch):
    monkeypatch.chdir(INVALID.parent)  # spans show paths relative to tests/
    monkeypatch.setenv("NO_COLOR", "1")
    status = main(["validate", os.path.relpath(spec, INVALID.parent)])
    output = f"exit {status}\n" + capsys.readouterr().out
    expected_file = spec.with_suffix(".expected")
    if request.config.getoption("--update-goldens"):
        expected_file.write_text(output)
    assert expected_file.is_file(), (
        f"run `python3 -m pytest tests/golden --update-goldens` to create {expected_file}")
    assert output == expected_file.read_text()
    assert status == 1 or spec.stem == "images"


def test_every_load_schema_and_semantic_error_code_has_a_golden_case():
    covered = set()
    for expected in INVALID.glob("*.expected"):
        for line in expected.read_text().splitlines():
            if "[" in line and "]: " in line:
                covered.add(line.split("[", 1)[1].split("]", 1)[0])
    wanted = {"E103", "E104", "E105", "E106", "E107", "E109", "E110", "E201", "E202", "E203",
              "E204", "E205", "E301", "E302", "E303", "E304", "E305", "E306", "E307", "E308",
              "E312", "E316", "E318"}
    assert wanted - covered == set()
