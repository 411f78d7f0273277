"""Post a failed KFP run to a webhook: the program of the exit task of a pipeline with
``notify.on_failure``.

The Kubeflow target puts this file's text, as it is, in the exit task's command
(``python3 -c``); KFP runs that task after the pipeline's steps whatever their outcome and
passes the final status (``dsl.PipelineTaskFinalStatus``, JSON) as the first argument. The
second is the notice's settings, JSON in base64 (so no spec text reaches the pod spec,
where Kubernetes would expand variable references and the KFP backend its placeholders;
this file holds neither, which the target checks). The webhook URL comes from
the environment variable ``MLOPSC_WEBHOOK_URL`` (a Secret's key). Only a ``FAILED`` run is
posted; a succeeded or cancelled one is not. Standard library only.
"""

import base64
import json
import os
import sys
import urllib.request
from typing import Any


def notice(status: dict[str, Any], config: dict[str, str]) -> dict[str, str] | None:
    """The JSON body for a final status, or None when the run did not fail.

    >>> notice({"state": "SUCCEEDED"}, {"pipeline": "p", "message": "m"}) is None
    True
    >>> notice({"state": "FAILED", "pipelineJobResourceName": "r1",
    ...         "error": {"message": "boom"}}, {"pipeline": "p", "message": "m"})["text"]
    'm (run r1: failed: boom)'
    """
    if status.get("state") != "FAILED":
        return None
    run = str(status.get("pipelineJobResourceName") or "")
    error = status.get("error") or {}
    reason = str(error.get("message") or "") if isinstance(error, dict) else ""
    suffix = ": " + reason if reason else ""
    return {"text": config["message"] + " (run " + run + ": failed" + suffix + ")",
            "pipeline": config["pipeline"], "run_id": run, "status": "failed",
            "reason": reason}


def main(argv: list[str]) -> int:
    status = json.loads(argv[1])
    config = json.loads(base64.b64decode(argv[2]).decode("utf-8"))
    body = notice(status, config)
    if body is None:
        print("run state " + repr(status.get("state")) + ": no notice")
        return 0
    request = urllib.request.Request(os.environ["MLOPSC_WEBHOOK_URL"],
                                     data=json.dumps(body).encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        print("posted the failure notice: HTTP " + str(response.status))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
