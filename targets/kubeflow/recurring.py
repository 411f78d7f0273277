"""The recurring run beside the IR: where a Kubeflow pipeline's cron schedule lives.

KFP v2 IR has no schedule; KFP keeps it in a *recurring run* created through its API.
The file holds that object in the API's own field names (``v2beta1`` ``RecurringRun``),
ready for ``kfp.Client().create_recurring_run(...)`` or a ``POST`` to
``/apis/v2beta1/recurringruns`` once the deployer adds the uploaded pipeline version's
reference (``pipeline_version_reference``).
"""

from __future__ import annotations

import yaml

from mlopsc import ir
from mlopsc.targets.kubeflow.component import identifier


def kfp_cron(cron: str) -> str:
    """KFP's cron has a leading seconds field; descriptors such as ``@daily`` pass through.

    >>> kfp_cron("0 2 * * *"), kfp_cron("@hourly")
    ('0 0 2 * * *', '@hourly')
    """
    if cron.startswith("@") or len(cron.split()) == 6:
        return cron
    return "0 " + " ".join(cron.split())


def definition(p: ir.Pipeline, header: str) -> bytes:
    """The recurring-run document for a pipeline with a schedule."""
    assert p.schedule is not None  # only a scheduled pipeline has a recurring run
    body = {
        "display_name": p.name,
        "mode": "ENABLE",
        "max_concurrency": p.max_active_runs,
        "no_catchup": True,
        "trigger": {"cron_schedule": {"cron": kfp_cron(p.schedule)}},
        # The API server matches runtime parameters against the IR's input names, which
        # are identifiers (`learning-rate` is `learning_rate` there), not the spec's names.
        "runtime_config": {"parameters": {identifier(param.name): param.default
                                          for param in p.parameters
                                          if param.default is not None}},
    }
    if p.description:
        body["description"] = p.description
    # Identity and placement are run settings in KFP, not IR: the recurring run carries them.
    if p.namespace:
        body["namespace"] = p.namespace
    if p.service_account:
        body["service_account"] = p.service_account
    text = yaml.safe_dump(body, sort_keys=True, allow_unicode=False, width=100)
    return f"# {header}\n# pipeline: {p.name}.yaml (KFP v2beta1 RecurringRun)\n{text}".encode()
