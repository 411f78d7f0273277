"""docs/getting-started.md: every spec on the page is validated with the real CLI, and exits
as the page says (``<!-- spec: NAME; exit: N; codes: ... -->`` right before each block)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

DOC = (ROOT / "docs" / "getting-started.md").read_text()
MARKED = re.compile(r"<!-- spec: ([\w-]+); exit: (\d)(?:; codes: ([\w\- ]+))? -->\n"
                    r"```yaml\n(.*?)```", re.S)
SPECS = {m.group(1): (int(m.group(2)), (m.group(3) or "").split(), m.group(4))
         for m in MARKED.finditer(DOC)}


def test_every_yaml_block_is_marked_and_tested() -> None:
    assert DOC.count("```yaml") == len(SPECS) >= 3
    assert {"development", "first-try", "staging"} <= set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_exits_as_the_page_says(name: str, tmp_path: Path) -> None:
    code, codes, text = SPECS[name]
    (tmp_path / "mlops.yaml").write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run([sys.executable, "-m", "mlopsc", "validate", "mlops.yaml"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    found = set(re.findall(r"(?:error|warning)\[([A-Z]+-\d+|[EW]\d+)\]", output))
    assert found == set(codes), output
    if code == 0:
        assert "no problems found" in output


def test_staging_without_its_approval_is_gov_003(tmp_path: Path) -> None:
    _, _, text = SPECS["staging"]
    approval = re.search(r"\n    approvals:\n      - \{by: [^\n]*\}", text)
    assert approval, "the staging spec has one approval"
    (tmp_path / "mlops.yaml").write_text(text.replace(approval.group(0), ""))
    done = subprocess.run([sys.executable, "-m", "mlopsc", "validate", "mlops.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 1 and "error[GOV-003]" in done.stdout, done.stdout


def test_the_page_is_linked_from_spec_docs_and_readme() -> None:
    assert "getting-started.md" in (ROOT / "docs" / "spec.md").read_text()
    assert "policies.md" in (ROOT / "docs" / "spec.md").read_text()
    assert "docs/getting-started.md" in (ROOT / "README.md").read_text()
