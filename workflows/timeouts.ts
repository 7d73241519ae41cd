/** Activity timeouts and retry policies, named so history readers and operators can find them. */
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * A model call may stream for minutes; the heartbeat, not this, is what detects a dead worker: calls
 * heartbeat every second (HEARTBEAT_EVERY_MS in activities/heartbeat.ts, and the worker sends them at most
 * that often), so a worker killed mid-call is noticed within MODEL_CALL_HEARTBEAT and the call retried on
 * another worker after the first retry interval.
 */
export const MODEL_CALL_START_TO_CLOSE = '10 minutes';
export const MODEL_CALL_HEARTBEAT = '3 seconds';
export const MODEL_CALL_MAX_ATTEMPTS = 5;
export const MODEL_CALL_FIRST_RETRY = '1 second';

export const TOOL_CALL_START_TO_CLOSE = '5 minutes';
export const TOOL_CALL_HEARTBEAT = '3 seconds';
export const TOOL_CALL_MAX_ATTEMPTS = 3;
export const TOOL_CALL_FIRST_RETRY = '1 second';

export const modelCallOptions: ActivityOptions = {
  startToCloseTimeout: MODEL_CALL_START_TO_CLOSE,
  heartbeatTimeout: MODEL_CALL_HEARTBEAT,
  retry: {
    initialInterval: MODEL_CALL_FIRST_RETRY,
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: MODEL_CALL_MAX_ATTEMPTS,
  },
};

export const toolCallOptions: ActivityOptions = {
  startToCloseTimeout: TOOL_CALL_START_TO_CLOSE,
  heartbeatTimeout: TOOL_CALL_HEARTBEAT,
  retry: {
    initialInterval: TOOL_CALL_FIRST_RETRY,
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: TOOL_CALL_MAX_ATTEMPTS,
  },
};
