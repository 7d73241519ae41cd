// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/** Activity timeouts and retry policies, named so history readers and operators can find them. */
import type { ActivityOptions } from '@temporalio/workflow';

/** A model call may stream for minutes; the heartbeat, not this, is what detects a dead worker. */
export const MODEL_CALL_START_TO_CLOSE = '10 minutes';
export const MODEL_CALL_HEARTBEAT = '10 seconds';
export const MODEL_CALL_MAX_ATTEMPTS = 5;

export const TOOL_CALL_START_TO_CLOSE = '5 minutes';
export const TOOL_CALL_HEARTBEAT = '10 seconds';
export const TOOL_CALL_MAX_ATTEMPTS = 3;

export const modelCallOptions: ActivityOptions = {
  startToCloseTimeout: MODEL_CALL_START_TO_CLOSE,
  heartbeatTimeout: MODEL_CALL_HEARTBEAT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: MODEL_CALL_MAX_ATTEMPTS,
  },
};

export const toolCallOptions: ActivityOptions = {
  startToCloseTimeout: TOOL_CALL_START_TO_CLOSE,
  heartbeatTimeout: TOOL_CALL_HEARTBEAT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: TOOL_CALL_MAX_ATTEMPTS,
  },
};
