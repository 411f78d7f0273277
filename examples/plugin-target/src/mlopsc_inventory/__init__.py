"""An example third-party mlopsc plugin: two targets, each declared here.

* ``inventory``: one CSV row per deployed model version.
* ``argo-workflows``: an Argo Workflow per pipeline whose orchestrator is
  ``argo-workflows``, an orchestrator mlopsc itself does not know; declaring it is what
  makes ``orchestrator: argo-workflows`` valid in a spec once this plugin is installed.

Each declaration is what the entry point (group ``mlopsc.targets``, see pyproject.toml)
names. mlopsc reads it for ``mlopsc targets``, ``mlopsc explain``, ``--set`` checks and the
orchestrator check, and imports the emitter (``emitter``) only when the target runs.
"""

from __future__ import annotations

from mlopsc.target import ApplyStep, HowToApply, TargetDeclaration
from mlopsc_inventory.codes import CODES

DOCS = "examples/plugin-target/README.md"

INVENTORY = TargetDeclaration(
    name="inventory",
    description="CSV inventory of deployed model versions",
    emitter="mlopsc_inventory.inventory:InventoryTarget",
    docs=DOCS,
)

ARGO_WORKFLOWS = TargetDeclaration(
    name="argo-workflows",
    description="Argo Workflow per argo-workflows pipeline (a DAG of container steps)",
    emitter="mlopsc_inventory.argo:ArgoWorkflowsTarget",
    orchestrators=("argo-workflows",),
    codes=CODES,
    docs=DOCS,
    apply=HowToApply("submit each Workflow to Argo Workflows", 40,
                     (ApplyStep("kubectl", "kubectl create -f {path}", each="*.yaml"),)),
)
