"""Escapers: spec values into Python source, and into Airflow's run-time Jinja.

Two layers meet in a DAG file. The file itself is Python, so every value is written as a
Python literal (``py``). Airflow then renders templated operator fields (``image``,
``cmds``, ``arguments``, ``env_vars`` ...) with Jinja when the task runs, so a literal that
Jinja would change is wrapped in ``airflow.sdk.literal`` (``py_tpl``), and a template
that mlopsc builds itself for ``$(params.X)`` quotes its literal parts as Jinja string
literals (``jinja_str``).
"""

from __future__ import annotations

import math
import re

_JINJA_MARKERS = ("{{", "{%", "{#")
_JINJA_PLAIN = re.compile(r"[A-Za-z0-9 _./:=,+@-]")
_ID_BAD = re.compile(r"[^A-Za-z0-9_.-]")
_NAME_BAD = re.compile(r"\W", re.ASCII)


def py(value: object) -> str:
    """A Python literal for a str/int/float/bool/None, or a list/tuple/dict of them.

    >>> py('a "b"\\n'), py([1, 2.5, None]), py({"k": True})
    ('\\'a "b"\\\\n\\'', '[1, 2.5, None]', "{'k': True}")
    """
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value)
        return f"float({str(value)!r})"
    if isinstance(value, str):
        return repr(value)  # repr of a str is a Python literal that evaluates to it
    if isinstance(value, list | tuple):
        inner = ", ".join(py(item) for item in value)
        return f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {py(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {type(value).__name__}")


def py_tpl(value: str) -> str:
    """``py`` for a field Airflow renders with Jinja: the value must reach the pod as is.

    Jinja changes more than its markers: it reads ``\\r\\n`` and ``\\r`` as ``\\n`` and
    drops one trailing newline, so such values are wrapped too.

    >>> py_tpl("plain"), py_tpl("{{ ds }}"), py_tpl("line\\n")
    ("'plain'", "literal('{{ ds }}')", "literal('line\\\\n')")
    """
    if (any(marker in value for marker in _JINJA_MARKERS) or "\r" in value
            or value.endswith("\n")):
        return f"literal({py(value)})"
    return py(value)


def py_tpl_map(values: dict[str, str]) -> str:
    """A dict literal whose values Airflow renders with Jinja (``container_resources``'
    requests and limits): keys are not rendered, each value goes through ``py_tpl``.

    >>> py_tpl_map({"cpu": "500m", "memory": "{{ x }}"})
    "{'cpu': '500m', 'memory': literal('{{ x }}')}"
    """
    return "{" + ", ".join(f"{py(k)}: {py_tpl(v) if isinstance(v, str) else py(v)}"
                           for k, v in values.items()) + "}"


def jinja_str(text: str) -> str:
    """A Jinja string literal for ``text``; everything but plain ASCII is escaped.

    Jinja decodes string literals with Python's ``unicode-escape``, so ``\\uXXXX`` escapes
    carry any character, and no brace, quote or newline of ``text`` reaches the template.

    >>> jinja_str('a "{x}"\\n')
    '"a \\\\x22\\\\x7bx\\\\x7d\\\\x22\\\\x0a"'
    """
    out = []
    for char in text:
        if _JINJA_PLAIN.match(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def airflow_id(name: str) -> str:
    """A DAG or task id: Airflow allows letters, digits, ``_``, ``.`` and ``-``.

    >>> airflow_id("fraud-training"), airflow_id("a b/c")
    ('fraud-training', 'a_b_c')
    """
    return _ID_BAD.sub("_", name)[:250] or "_"


def py_name(name: str) -> str:
    """A Python variable name for a task (never a keyword: always prefixed).

    >>> py_name("fairness-check")
    't_fairness_check'
    """
    return "t_" + _NAME_BAD.sub("_", name)
