"""Pipeline parameter defaults must have the parameter's declared type.

KFP types its inputs (``STRING``, ``NUMBER_INTEGER``, ``NUMBER_DOUBLE``, ``BOOLEAN``) and
refuses a default of another type with a TypeError; Airflow's ``Param`` would store the
wrong type silently. Checked here, at the default's line, the targets never see one.
"""

from __future__ import annotations

from mlopsc.diagnostics import Diagnostics
from mlopsc.spec import Spec
from mlopsc.spec.common import INT64_MAX
from mlopsc.spec.pipelines import Parameter, ParameterType

_WRITE = {
    ParameterType.string: 'a string (quote it: "...")',
    ParameterType.integer: "a whole number without quotes, e.g. 6",
    ParameterType.float: "a number without quotes, e.g. 0.5",
    ParameterType.boolean: "true or false without quotes",
}


def check_parameters(spec: Spec, bag: Diagnostics) -> None:
    """Report every parameter default whose type is not the parameter's ``type``."""
    for name, pipeline in spec.pipelines.items():
        for param, parameter in pipeline.parameters.items():
            if parameter.default is None or _fits(parameter):
                continue
            declared = parameter.type.value
            implicit = "type" not in parameter.model_fields_set
            bag.add("E332", f"parameter {param!r}: default {_show(parameter.default)} is not "
                    f"of type {declared}" + (" (the type when none is given)" if implicit
                                             else ""),
                    path=("pipelines", name, "parameters", param, "default"),
                    hint=f"write {_WRITE[parameter.type]}, or declare the parameter's `type`")


def _fits(parameter: Parameter) -> bool:
    value = parameter.default
    if parameter.type is ParameterType.boolean:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False  # a bool is an int to Python, not to KFP or to a string parameter
    if parameter.type is ParameterType.integer:
        return isinstance(value, int) and abs(value) <= INT64_MAX
    if parameter.type is ParameterType.float:
        return isinstance(value, (int, float))
    return isinstance(value, str)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if not isinstance(value, str) or len(value) < 40 else repr(value[:40])
