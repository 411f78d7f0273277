"""Regulations: an enumeration of canonical ids, read case-insensitively.

Policies key on a regulation's id (``eu-ai-act``), so a spelling the rules do not know would
switch them off in silence. Input is normalised (case, spaces and underscores) to the
canonical id, a few common spellings are aliases, and anything else is error E209 with a
did-you-mean.
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError


class Regulation(StrEnum):
    """The regulations mlopsc knows, by canonical id."""

    gdpr = "gdpr"
    uk_gdpr = "uk-gdpr"
    ccpa = "ccpa"
    lgpd = "lgpd"
    pipeda = "pipeda"
    hipaa = "hipaa"
    ecoa = "ecoa"
    fcra = "fcra"
    glba = "glba"
    sr_11_7 = "sr-11-7"
    """US Federal Reserve guidance on model risk management."""
    eu_ai_act = "eu-ai-act"
    nyc_ll_144 = "nyc-ll-144"
    """New York City Local Law 144 (automated employment decision tools)."""
    colorado_ai_act = "colorado-ai-act"
    pci_dss = "pci-dss"


CANONICAL = tuple(r.value for r in Regulation)
ALIASES = {"euaiact": "eu-ai-act", "ai-act": "eu-ai-act", "eu-ai": "eu-ai-act",
           "ukgdpr": "uk-gdpr", "sr11-7": "sr-11-7", "sr-117": "sr-11-7",
           "ll144": "nyc-ll-144", "nyc-ll144": "nyc-ll-144", "pci": "pci-dss",
           "pcidss": "pci-dss", "cpra": "ccpa"}


def canonical(text: str) -> str | None:
    """The canonical id of a regulation as written, or None when it names none.

    >>> canonical("EU AI Act"), canonical("GDPR"), canonical("eu_ai_act"), canonical("gpdr")
    ('eu-ai-act', 'gdpr', 'eu-ai-act', None)
    """
    key = "-".join(text.strip().lower().replace("_", " ").split())
    if key in CANONICAL:
        return key
    return ALIASES.get(key) or ALIASES.get(key.replace("-", ""))


def _normalise(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # the str type reports it (E204)
    found = canonical(value)
    if found is not None:
        return found
    guess = _guess(value)
    hint = (f"did you mean '{guess}'?" if guess
            else "known regulations: " + ", ".join(CANONICAL))
    raise PydanticCustomError("mlopsc_coded", "unknown regulation '{value}'",
                              {"value": value, "code": "E209", "hint": hint})


def _guess(value: str) -> str | None:
    """The id a misspelling most likely means: letters swapped first (`gpdr`), then the
    closest spelling.

    >>> _guess("gpdr"), _guess("eu-ai-akt"), _guess("sox")
    ('gdpr', 'eu-ai-act', None)
    """
    key = "".join(sorted(value.lower().replace("-", "").replace("_", "").replace(" ", "")))
    for known in CANONICAL:
        if "".join(sorted(known.replace("-", ""))) == key:
            return known
    close = difflib.get_close_matches(value.strip().lower(), [*CANONICAL, *ALIASES], n=1,
                                      cutoff=0.6)
    return canonical(close[0]) if close else None


RegulationId = Annotated[
    str,
    BeforeValidator(_normalise),
    Field(description="A regulation's canonical id (any case): "
                      + ", ".join(f"`{r}`" for r in CANONICAL) + ".",
          json_schema_extra={"enum": list(CANONICAL)}),
]
"""A regulation, normalised to its canonical id; an unknown one is E209."""
