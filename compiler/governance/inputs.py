"""Where reports come from: a compiled spec, or a ``report.json`` written earlier."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from mlopsc.errors import MlopscError

if TYPE_CHECKING:
    from mlopsc.api import Result
    from mlopsc.driver import Options


def report_for(options: Options) -> tuple[Result, dict[str, Any] | None]:
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

    result = api.validate(options, targets=False)  # the report judges no target
    if result.ir is None:
        return result, None
    return result, build_report(result.ir, result.compilation.policy,
                                options.effective_today())


def load_report(path: str, options: Options | None = None) -> dict[str, Any]:
    """A report from ``path``: a ``report.json`` is read as is; anything else is compiled
    as a spec with ``options`` (a :class:`mlopsc.driver.Options`; its ``spec`` is replaced
    by ``path``) and reported on.

    Raises :class:`MlopscError` when the file cannot be read, is not a valid report (checked
    against ``report.schema.json``) or the spec has errors.
    """
    document = _read_json(path)
    if document is not None:
        if not isinstance(document, dict) or "report_version" not in document:
            raise MlopscError(f"{path}: JSON but not a governance report (no report_version)")
        _check_schema(path, document)
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
    """The JSON document in ``path``, or ``None`` when the file is not JSON (a YAML spec).

    The file is read as any input is (see ``docs/security.md``): a regular file, at most
    64 MiB; JSON nested too deep or holding NaN or a huge number is refused."""
    from mlopsc.reading.safe_read import MAX_BYTES, TooLarge, read_regular

    if path.lower().endswith((".yaml", ".yml")):
        return None
    try:
        data = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise MlopscError(f"{path}: no such file") from None
    except TooLarge as error:
        raise MlopscError(f"{path}: {error.size} bytes, over the limit of {MAX_BYTES}") from None
    except OSError as error:
        raise MlopscError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant,
                          parse_int=_bounded_int, parse_float=_finite_float)
    except UnicodeDecodeError as error:
        raise MlopscError(f"{path}: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError:
        return None
    except (RecursionError, ValueError) as error:  # deep nesting; NaN; a 5,000-digit number
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise MlopscError(f"{path}: not a usable JSON document ({reason})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_INT_MIN, _INT_END = -(2**63), 2**64  # the spec loader's range (see mlopsc.reading.yaml_events)


def _bounded_int(text: str) -> int:
    value = int(text) if len(text) <= 21 else _INT_END  # never convert thousands of digits
    if not _INT_MIN <= value < _INT_END:
        raise ValueError(f"the integer {_shown(text)} is out of range (64 bits at most)")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {_shown(text)} is too large for a 64-bit float")
    return value


def _shown(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({len(text)} characters)"


def _check_schema(path: str, document: dict[str, Any]) -> None:
    """Refuse a report that does not follow ``report.schema.json``; the message names the
    place and the rule, never the offending value (it could be large)."""
    import jsonschema

    from mlopsc.governance.output import report_schema

    validator = jsonschema.Draft202012Validator(report_schema())
    try:
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    except RecursionError:
        raise MlopscError(f"{path}: not a governance report (nested too deeply)") from None
    if error is not None:
        where = error.json_path
        where = where if len(where) <= 120 else where[:117] + "..."
        rule = (error.message[:200] if error.validator == "required"  # names the schema's key
                else f"the value breaks the schema rule '{error.validator}'")
        raise MlopscError(f"{path}: not a valid governance report: at {where}, {rule} "
                          "(see report.schema.json)")
