"""The plugin's own diagnostic codes. Plugins number theirs 900-999, a range mlopsc's own
areas never use; mlopsc lists them in ``mlopsc explain`` like its own."""

from __future__ import annotations

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("W901", "Argo Workflow runs only when submitted",
         "The argo-workflows target writes a `Workflow`, which runs once when it is "
         "submitted. It does not carry the pipeline's `schedule` (a `CronWorkflow`) or its "
         "`triggers` (Argo Events sensors).",
         "submit the Workflow from your scheduler or event source, or create a CronWorkflow "
         "from it"),
    Code("E902", "step text Argo Workflows would rewrite",
         "Argo Workflows reads `{{...}}` in a template as a variable and has no way to write "
         "the braces literally, and the argo-workflows target does not translate mlopsc's "
         "`$(params.X)`, `$(inputs.X)` and `$(outputs.X)` placeholders. A step's command, "
         "arguments or environment value holds one, so the pipeline is not written.",
         "remove `{{` and `$(` from the step's command, arguments and environment"),
)
