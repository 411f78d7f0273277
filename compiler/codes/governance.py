"""Codes of the governance area: lineage, breaking changes, plan."""

from mlopsc.codes import Code

CODES: tuple[Code, ...] = (
    Code("E580", "breaking change without a major version bump",
         "A data contract, a feature set or a model's input schema changed in a way that "
         "breaks its consumers (a field or feature removed or renamed, a type or range "
         "narrowed, a nullable field made required, a required field added) but its major "
         "version stayed the same. "
         "Consumers pin major versions; they would read data they cannot handle.",
         "bump the major version (e.g. 3.2.0 -> 4.0.0), or make the change compatible"),
    Code("W582", "orphan dataset",
         "A data contract that no pipeline, feature set, model or monitor reads. It may be "
         "left over from a refactoring, or a reference to it is missing.",
         "remove the contract, or reference it where it is used"),
    Code("W583", "model without a training pipeline",
         "No pipeline produces the model: it names no `training.pipeline` and no pipeline "
         "lists it in `outputs.model`. The lineage graph cannot say how the model was built, "
         "nor which pipeline to run again when its training data changes.",
         "name the pipeline in the model's `training.pipeline`, or the model in the "
         "pipeline's `outputs.model`"),
)
