"""The table of default rules in docs/policies.md, from the rules' own annotations.

``python -m mlopsc.policy.docs`` rewrites the part of ``docs/policies.md`` between the
``rules:begin`` and ``rules:end`` markers; a test checks it is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlopsc.policy.bundle import DEFAULT_BUNDLE, default_bundle_dir, load_bundles

BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"
DOC = Path("docs") / "policies.md"


def rules_table() -> str:
    bundles = load_bundles([(DEFAULT_BUNDLE, default_bundle_dir())])
    lines = ["| code | rule | judges | file |", "| --- | --- | --- | --- |"]
    for code, info in sorted(bundles.rules.items()):
        file = bundles.rule_lines[code][0].removeprefix("mlopsc/")
        lines.append(f"| {code} | **{info.title}**. {info.description} | "
                     f"{', '.join(info.applies_to)} | `{file}` |")
    return "\n".join(lines)


def with_table(text: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{rules_table()}\n{END}{tail}"


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    path = root / DOC
    path.write_text(with_table(path.read_text()))
    sys.stdout.write(f"wrote {path}\n")
