"""Pipeline parameter defaults must have the parameter's declared type.

KFP types its inputs (``STRING``, ``NUMBER_INTEGER``, ``NUMBER_DOUBLE``, ``BOOLEAN``,
``LIST``) and
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
    ParameterType.list: 'a list of strings, e.g. ["eu", "us"]',
}


def check_parameters(spec: Spec, bag: Diagnostics) -> None:
    """Report every parameter default whose type is not the parameter's ``type``."""
    for name, pipeline in spec.pipelines.items():
        for param, parameter in pipeline.parameters.items():
            if parameter.default is None or _fits(parameter):
                continue
            if parameter.type is ParameterType.list and isinstance(parameter.default, list):
                _list_items(name, param, parameter.default, bag)
                continue
            declared = parameter.type.value
            implicit = "type" not in parameter.model_fields_set
            bag.add("E332", f"parameter {param!r}: default {_show(parameter.default)} is not "
                    f"of type {declared}" + (" (the type when none is given)" if implicit
                                             else ""),
                    path=("pipelines", name, "parameters", param, "default"),
                    hint=f"write {_WRITE[parameter.type]}, or declare the parameter's `type`")


def _list_items(pipeline: str, param: str, items: list[object], bag: Diagnostics) -> None:
    # Kubeflow types a loop item STRING (the IR's `-loop-item` input), so a number or an
    # object would reach a string input; Airflow would render it in Python's spelling.
    for i, item in enumerate(items):
        if not isinstance(item, str):
            bag.add("E332", f"parameter {param!r}: item {_show(item)} of the default is not "
                    "a string; a list parameter holds strings",
                    path=("pipelines", pipeline, "parameters", param, "default", i),
                    hint='quote it, e.g. "0.5" or "lr=0.1,depth=6"')


def _fits(parameter: Parameter) -> bool:
    value = parameter.default
    if parameter.type is ParameterType.list:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if isinstance(value, list):
        return False
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
    if isinstance(value, str):
        return repr(value) if len(value) < 40 else repr(value[:40])
    text = repr(value)  # a list default: cut, a finding never reprints megabytes
    return text if len(text) <= 43 else text[:40] + "..."
