"""Where reports come from: a compiled spec, or a ``report.json`` written earlier."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from mlopsc.errors import MlopscError


def report_for(options) -> tuple[Any, dict[str, Any] | None]:
    """Validate a spec (every pass up to the policy gate) and build its report.

    Returns the :class:`mlopsc.api.Result` and the report, which is ``None`` when the spec
    has errors that stop lowering (its diagnostics say why). Policy failures do not stop the
    report: reporting them is its job.

    Example::

        result, report = report_for(api.Options(spec="mlops.yaml",
                                                today=datetime.date(2026, 11, 15)))
    """
    from mlopsc import api
    from mlopsc.governance.report import build_report

    result = api.validate(options)
    if result.ir is None:
        return result, None
    return result, build_report(result.ir, result.compilation.policy,
                                options.effective_today())


def load_report(path: str, options=None) -> dict[str, Any]:
    """A report from ``path``: a ``report.json`` is read as is; anything else is compiled
    as a spec with ``options`` (a :class:`mlopsc.driver.Options`; its ``spec`` is replaced
    by ``path``) and reported on.

    Raises :class:`MlopscError` when the file cannot be read or the spec has errors.
    """
    document = _read_json(path)
    if document is not None:
        if not isinstance(document, dict) or "report_version" not in document:
            raise MlopscError(f"{path}: JSON but not a governance report (no report_version)")
        return document
    from mlopsc.driver import Options

    options = dataclasses.replace(options, spec=path) if options else Options(spec=path)
    result, report = report_for(options)
    if report is None:
        errors = [d for d in result.diagnostics if d.severity.label == "error"]
        first = f": {errors[0].location()}: {errors[0].code} {errors[0].message}" if errors else ""
        raise MlopscError(f"{path}: cannot build a report, the spec has errors{first} "
                          f"(run `mlopsc validate {path}`)")
    return report


def _read_json(path: str) -> Any:
    """The JSON document in ``path``, or ``None`` when the file is not JSON (a YAML spec)."""
    file = Path(path)
    if not file.is_file():
        raise MlopscError(f"{path}: no such file")
    if file.suffix.lower() in (".yaml", ".yml"):
        return None
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise MlopscError(f"{path}: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError:
        return None
