"""Kubernetes quantities (``500m``, ``512Mi``, ``1e3``), parsed exactly and within bounds.

The grammar is Kubernetes' own (``k8s.io/apimachinery/pkg/api/resource``)::

    quantity ::= [+-] number suffix
    number   ::= digits | digits "." digits | digits "." | "." digits
    suffix   ::= "" | binary (Ki Mi Gi Ti Pi Ei) | decimal (n u m k M G T P E)
               | ("e" | "E") [+-] digits

Digits are ASCII: Python's ``int()``, ``float()`` and ``\\d`` also take U+0665 '5', which no
Kubernetes API server reads. The value is computed as an exact fraction, and only after
its magnitude is known to be in range, so ``1e99999999999`` costs no more than ``1``.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

MAX_QUANTITY = 2**63 - 1
"""Kubernetes reads a quantity as int64 (bytes, or millicores for cpu): nothing above."""
MAX_NUMBER_DIGITS = 40
"""Longest digit string (before and after the point) accepted in a quantity."""
_MAX_EXPONENT_DIGITS = 4
_NANO = Fraction(1, 10**9)
_TOO_BIG = "above 2^63-1, the most a Kubernetes quantity holds (int64)"

_QUANTITY = re.compile(
    r"(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?"
    r"(?P<suffix>[eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|)\Z"
)
_BINARY = {"Ki": 10, "Mi": 20, "Ti": 40, "Gi": 30, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15,
            "E": 18}


class OutOfRange(ValueError):
    """A well-formed quantity whose magnitude no Kubernetes field can hold."""


@lru_cache(maxsize=4096, typed=True)  # specs repeat the same few quantities thousands of times
def parse_quantity(value: str | int | float) -> Fraction | None:
    """The exact value of a quantity, ``None`` if malformed; :class:`OutOfRange` if huge.

    >>> parse_quantity("500m"), parse_quantity("1Ki"), parse_quantity("1.5e3")
    (Fraction(1, 2), Fraction(1024, 1), Fraction(1500, 1))
    >>> parse_quantity("\\u0665\\u0660\\u0660m") is None, parse_quantity("1K") is None
    (True, True)
    """
    text = _text(value)
    match = _QUANTITY.match(text) if text is not None else None
    if match is None:
        return None
    whole, frac = match["int"], match["frac"] or ""
    if not whole and not frac:
        return None
    if len(whole) + len(frac) > MAX_NUMBER_DIGITS:
        raise OutOfRange(f"more than {MAX_NUMBER_DIGITS} digits")
    base, exponent = _scale(match["suffix"])
    significant = len(whole.lstrip("0"))
    if significant and significant + exponent * _log10(base) > 20:
        raise OutOfRange(_TOO_BIG)
    number = Fraction(int(whole or "0") * 10 ** len(frac) + int(frac or "0"), 10 ** len(frac))
    if number and exponent < -2 * MAX_NUMBER_DIGITS:
        raise OutOfRange("below 1n")
    result = number * Fraction(base) ** exponent
    if result > MAX_QUANTITY:
        raise OutOfRange(_TOO_BIG)
    if 0 < result < _NANO:
        raise OutOfRange("below 1n, the smallest quantity Kubernetes keeps")
    return -result if match["sign"] == "-" else result


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if abs(value) < 10**MAX_NUMBER_DIGITS else "9" * 99
    if isinstance(value, float):
        return repr(value)  # nan and inf do not match the grammar
    return value if isinstance(value, str) else None


def _scale(suffix: str) -> tuple[int, int]:
    """``(base, exponent)`` of a suffix: ``Mi`` is 2**20, ``m`` 10**-3, ``e6`` 10**6."""
    if suffix in _BINARY:
        return 2, _BINARY[suffix]
    if suffix in _DECIMAL:
        return 10, _DECIMAL[suffix]
    digits = suffix[1:].lstrip("+-").lstrip("0")
    if len(digits) > _MAX_EXPONENT_DIGITS:
        # A huge negative exponent is a tiny value; both are absurd in a resource field.
        raise OutOfRange(f"an exponent of more than {_MAX_EXPONENT_DIGITS} digits")
    return 10, int(suffix[1:])


def _log10(base: int) -> float:
    return 1.0 if base == 10 else 0.30103
