"""``mlopsc policy test``: run every ``test_`` rule of a bundle and measure line coverage.

Neither regorus nor the OPA client has a test runner, so the tests are enumerated from the
AST of the ``*_test.rego`` files and each is evaluated as ``data.<package>.<test_name>``: it
passes when its value is ``true``. Coverage counts the lines regorus reports for the
bundle's own policy files (not its tests), like ``opa test --coverage``. A policy file no
test reaches is missing from regorus' report; its lines count as not covered (estimated by
:func:`coverable_lines`), so an untested file lowers the bundle's coverage instead of
counting as 0 of 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlopsc.policy.bounded import PolicyLimitError, run_bounded
from mlopsc.policy.bundle import (
    DEFAULT_BUNDLE,
    Bundles,
    Module,
    RuleDecl,
    default_bundle_dir,
    load_bundles,
)
from mlopsc.policy.errors import parse_engine_error
from mlopsc.policy.limits import DEFAULT_LIMITS, PolicyLimits


@dataclass(frozen=True, slots=True)
class TestCase:
    name: str
    file: str
    line: int
    passed: bool
    detail: str = ""
    """Why it failed: ``undefined``, ``false`` or the error."""


@dataclass
class TestReport:
    cases: list[TestCase] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Files that do not parse: the run fails."""
    covered: dict[str, tuple[int, int]] = field(default_factory=dict)
    """file -> (covered lines, coverable lines), for the bundle's policy files."""

    @property
    def failed(self) -> list[TestCase]:
        return [c for c in self.cases if not c.passed]

    @property
    def coverage(self) -> float:
        """Percent of coverable lines run by the tests (100 when nothing is coverable)."""
        hit = sum(c for c, _ in self.covered.values())
        total = sum(t for _, t in self.covered.values())
        return 100.0 * hit / total if total else 100.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failed and bool(self.cases)


def bundle_for(directory: str | None) -> list[tuple[str, Path]]:
    """The bundle to test, after the default bundle's library when it needs it.

    A bundle that defines packages of the default bundle (the default bundle itself, or a
    copy of it) is tested alone; any other is loaded after the default bundle, whose
    ``mlopsc.lib`` helpers it may import.
    """
    default = (DEFAULT_BUNDLE, default_bundle_dir())
    if directory is None:
        return [default]
    tested = (directory.rstrip("/") or directory, Path(directory))
    if _packages(tested) & _packages(default):
        return [tested]
    return [default, tested]


def _packages(bundle: tuple[str, Path]) -> set[str]:
    loaded = load_bundles([bundle], tests=False)
    return {m.package for m in loaded.modules}


def run_tests(directory: str | None = None, limits: PolicyLimits = DEFAULT_LIMITS) -> TestReport:
    """Run the tests of the bundle in ``directory`` (the default bundle when ``None``).

    All tests together run in a child process bounded by ``limits``; past them the run
    fails with an E406 error naming the test that was running.

    >>> report = run_tests()
    >>> report.ok, report.coverage >= 90
    (True, True)
    """
    dirs = bundle_for(directory)
    bundles = load_bundles(dirs, tests=True)
    report = TestReport(errors=[str(e) for e in bundles.errors + bundles.annotation_errors])
    if bundles.engine is None or bundles.errors:
        return report
    # When testing another bundle, the default one is only its library: not tested, not covered.
    library_only = len(dirs) == 2

    def work(announce: Callable[[str], None]) -> dict[str, Any]:
        # In a child bounded by ``limits``: a test is Rego code too, and may not end.
        bundles.loaded_engine().set_enable_coverage(True)
        cases = [asdict(case) for module in bundles.modules
                 if module.is_test and not (library_only and module.bundle == DEFAULT_BUNDLE)
                 for case in _run_module(bundles, module, announce)]
        covered = TestReport()
        _coverage(bundles, covered, skip_default=library_only)
        return {"cases": cases, "covered": covered.covered}

    try:
        done = run_bounded(work, limits)
    except PolicyLimitError as error:
        report.errors.append(f"E406 {error}")
        return report
    report.cases = [TestCase(**case) for case in done["cases"]]
    report.covered = {name: tuple(pair) for name, pair in done["covered"].items()}
    return report


def _run_module(bundles: Bundles, module: Module,
                announce: Callable[[str], None]) -> list[TestCase]:
    cases = []
    seen = set()
    for rule in module.rules:
        if not rule.name.startswith("test_") or rule.name in seen:
            continue
        seen.add(rule.name)
        cases.append(_run_one(bundles, module, rule, announce))
    return cases


def _run_one(bundles: Bundles, module: Module, rule: RuleDecl,
             announce: Callable[[str], None]) -> TestCase:
    query = f"data.{module.package}.{rule.name}"
    announce(query)
    try:
        value = bundles.loaded_engine().eval_rule_as_json(query)
    except RuntimeError as error:
        located = parse_engine_error(str(error))
        detail = str(located) if located else str(error).strip().splitlines()[0]
        return TestCase(rule.name, module.file, rule.line, False, f"error: {detail}")
    passed = value.strip() == "true"
    detail = "" if passed else ("undefined" if value == '"<undefined>"' else value.strip())
    return TestCase(rule.name, module.file, rule.line, passed, detail)


def _coverage(bundles: Bundles, report: TestReport, *, skip_default: bool) -> None:
    import json

    policy_files = {m.file for m in bundles.modules
                    if not m.is_test and not (skip_default and m.bundle == DEFAULT_BUNDLE)}
    data = json.loads(bundles.loaded_engine().get_coverage_report_as_json())
    for entry in data.get("files", []):
        if entry["path"] in policy_files:
            covered, missed = set(entry["covered"]), set(entry["not_covered"])
            report.covered[entry["path"]] = (len(covered), len(covered | missed))
    sources = {m.file: m.source for m in bundles.modules}
    for name in policy_files - set(report.covered):
        report.covered[name] = (0, coverable_lines(sources.get(name, "")))


_NOT_CODE = ("#", "package ", "import ")
_CLOSERS = frozenset({"}", "]", ")", "})", "}]", "])"})


def coverable_lines(source: str) -> int:
    r"""Lines of a policy file that coverage could count: all but blank lines, comments,
    ``package`` and ``import`` lines and lines that only close a bracket (within a few lines
    of what regorus counts for the default bundle's files).

    >>> coverable_lines("package a\nimport rego.v1\n\n# x\nallow if {\n\tinput.x\n}\n")
    2
    """
    count = 0
    for line in source.splitlines():
        text = line.strip()
        if text and not text.startswith(_NOT_CODE) and text not in _CLOSERS:
            count += 1
    return count
