"""Codes of the schema check (pydantic models of the spec)."""

from mlopsc.codes import Code

CODES = (
    Code("E201", "unknown apiVersion",
         "The spec declares an `apiVersion` this version of mlopsc does not read.",
         "use `apiVersion: mlopsc/v1`"),
    Code("E202", "unknown field",
         "The spec names a field that the schema does not define, often a misspelling. "
         "Unknown fields are errors so that a typo never turns into a silently ignored setting.",
         "check the spelling against docs/spec.md; `mlopsc schema` gives editors completion"),
    Code("E203", "missing required field",
         "A field that the schema requires is absent.",
         "add the field; docs/spec.md lists what each section requires"),
    Code("E204", "wrong type",
         "A value has the wrong type, e.g. a number where a string is expected. YAML reads "
         "unquoted `1.10` as the number 1.1: quote versions and other strings that look "
         "like numbers.",
         "write the value in the form the message names; quote strings that look like "
         "numbers or booleans, e.g. `version: \"1.10\"`"),
    Code("E205", "value not allowed",
         "The value is not one of the values the field allows.",
         "use one of the values listed in the message"),
    Code("E206", "value out of range",
         "A number is outside the range the field allows.",
         "use a value inside the range given in the message"),
    Code("E207", "invalid value",
         "A value does not satisfy the schema (format or constraint).",
         "see docs/spec.md for the field's format"),
    Code("E208", "number not finite",
         "A number is NaN or infinite: YAML reads `.nan`, `.inf` and `-.inf` (any case) as "
         "such numbers. No threshold, bound or metric compares with NaN, and the policy "
         "input is JSON, which has neither, so they are refused in every field.",
         "write a finite number; quote it if the text `.nan` is meant"),
    Code("E209", "unknown regulation",
         "A regulation in `models.NAME.regulations` or `governance.regulations` is not one "
         "mlopsc knows. Regulations are canonical ids read in any case (`EU-AI-Act` is "
         "`eu-ai-act`); policies key on the id, so an unknown spelling would switch their "
         "rules off in silence. docs/spec.md lists the ids.",
         "use a canonical id, e.g. `gdpr`, `ccpa`, `ecoa`, `fcra`, `hipaa`, `eu-ai-act`"),
)
