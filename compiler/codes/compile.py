"""Codes of the compile driver and the writer."""

from mlopsc.codes import Code

CODES = (
    Code("E501", "target failed",
         "A compile target raised an unexpected error. The compile stops and nothing is "
         "written: a partial output could be applied by GitOps.",
         "report it to the target's maintainers with the spec that triggers it"),
    Code("E502", "output path clash",
         "Two outputs would be written to the same file.",
         "rename one of the entities involved"),
    Code("W503", "target cannot express a setting",
         "A target cannot express a setting of the spec; it is named so that nothing is "
         "dropped silently.",
         "see the target's page under docs/targets/ for what it cannot express"),
)
