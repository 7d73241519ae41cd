"""Start a run that waits for approval, add a step to its plan, approve it and print the answer.

Uses only the wire contract in docs/contract/ (workflow type, message names, JSON payloads) through the
official Temporal Python SDK: no code from this project. Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and
TASK_QUEUE like the project's CLI.

    python3 -m venv .venv && .venv/bin/pip install -r examples/python/requirements.txt
    .venv/bin/python examples/python/run_with_edit.py
"""

import asyncio
import os
import uuid
from datetime import timedelta

from temporalio.client import Client, WorkflowUpdateFailedError

WORKFLOW_TYPE = "planAndExecute"  # docs/contract/contract.json: workflowType
ENDED = {"completed", "failed", "cancelled"}


async def wait_for_status(handle, wanted: str) -> dict:
    """Poll the getState query (docs/contract/run-state.schema.json) until the run's status is `wanted`."""
    while True:
        state = await handle.query("getState")
        if state["status"] == wanted:
            return state
        if state["status"] in ENDED:
            raise RuntimeError(f"the run ended ({state['status']}) before it was {wanted}")
        await asyncio.sleep(0.3)


async def main() -> None:
    client = await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
        namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
    )
    workflow_id = f"plan-py-{uuid.uuid4().hex[:8]}"
    handle = await client.start_workflow(
        WORKFLOW_TYPE,
        # docs/contract/run-input.schema.json
        {"goal": "Write a short release note to notes.md", "options": {"requireApproval": True}},
        id=workflow_id,
        task_queue=os.environ.get("TASK_QUEUE", "plan-and-execute"),
        task_timeout=timedelta(seconds=3),
    )
    print(f"started {workflow_id}")

    state = await wait_for_status(handle, "awaiting_approval")
    steps = ", ".join(f"{s['id']} ({s['title']})" for s in state["plan"]["steps"])
    print(f"plan v{state['plan']['version']}: {steps}")

    # An update that breaks a rule fails with the run's reason; the plan is unchanged.
    try:
        await handle.execute_update("editPlan", {"ops": [{"op": "remove", "id": "polish"}]})
    except WorkflowUpdateFailedError as err:
        print(f"refused: {err.cause.message if err.cause else err}")

    # docs/contract/edit-plan.schema.json; the reply is docs/contract/control-ack.schema.json
    ack = await handle.execute_update(
        "editPlan",
        {
            "ops": [
                {
                    "op": "add",
                    "step": {
                        "id": "check",
                        "title": "Check the note",
                        "instructions": "Read notes.md and say whether it is under 50 words.",
                        "dependsOn": ["draft"],
                    },
                    "after": "draft",
                }
            ],
            "reason": "every release note gets checked",
        },
    )
    print(f"edited: plan v{ack['planVersion']}, status {ack['status']}")

    ack = await handle.execute_update("approve", {"reason": "looks right"})
    print(f"approved: plan v{ack['planVersion']}, status {ack['status']}")

    result = await handle.result()  # docs/contract/run-result.schema.json
    print(f"ended: {result['endReason']} after {result['stepsExecuted']} steps")
    for step in result["plan"]["steps"]:
        print(f"  {step['id']} [{step['status']}] {step.get('result', '')}")
    print(f"answer: {result['answer']}")


if __name__ == "__main__":
    asyncio.run(main())
