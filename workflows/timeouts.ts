/** Activity timeouts and retry policies, named so history readers and operators can find them. */
import type { Duration } from '@temporalio/common';
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * A model call may stream for minutes; the heartbeat, not this, is what detects a dead worker: calls
 * heartbeat every second (HEARTBEAT_EVERY_MS in activities/heartbeat.ts, and the worker sends them at most
 * that often), so a worker killed mid-call is noticed within MODEL_CALL_HEARTBEAT and the call retried on
 * another worker after the first retry interval.
 */
export const MODEL_CALL_START_TO_CLOSE = '10 minutes';
export const MODEL_CALL_HEARTBEAT = '2.5 seconds';
export const MODEL_CALL_MAX_ATTEMPTS = 5;
export const MODEL_CALL_FIRST_RETRY: Duration = '500 milliseconds';

export const TOOL_CALL_START_TO_CLOSE = '5 minutes';
export const TOOL_CALL_HEARTBEAT = '2.5 seconds';
export const TOOL_CALL_MAX_ATTEMPTS = 3;
export const TOOL_CALL_FIRST_RETRY: Duration = '500 milliseconds';

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

/** Listing a run's tools may start MCP servers (a server fetched by npx can take a minute). */
export const listToolsOptions: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
};

/**
 * A local first attempt at listing tools: one attempt, then the regular activity's retries. (A slow MCP
 * server start holds the workflow task meanwhile; the task heartbeat still lets messages in.)
 */
export const localListToolsOptions: LocalActivityOptions = {
  startToCloseTimeout: listToolsOptions.startToCloseTimeout,
  retry: { maximumAttempts: 1 },
};

/** A tool call's start-to-close timeout is the tool's own timeout plus this, so the tool's fires first. */
export const TOOL_CALL_TIMEOUT_MARGIN_SECONDS = 30;

/**
 * The fast path: a call runs first as a local activity (in the worker that runs the workflow, with no
 * round trip to the server), once. If that attempt fails in a way a retry may fix, the call continues as a
 * regular activity with the remaining attempts, each one visible in the Web UI.
 */
export const localModelCallOptions: LocalActivityOptions = {
  startToCloseTimeout: MODEL_CALL_START_TO_CLOSE,
  retry: { maximumAttempts: 1 },
};
export const localToolCallOptions: LocalActivityOptions = {
  startToCloseTimeout: TOOL_CALL_START_TO_CLOSE,
  retry: { maximumAttempts: 1 },
};
export const modelCallAfterLocalOptions: ActivityOptions = {
  ...modelCallOptions,
  retry: { ...modelCallOptions.retry, maximumAttempts: MODEL_CALL_MAX_ATTEMPTS - 1 },
};
export const toolCallAfterLocalOptions: ActivityOptions = {
  ...toolCallOptions,
  retry: { ...toolCallOptions.retry, maximumAttempts: TOOL_CALL_MAX_ATTEMPTS - 1 },
};

/**
 * Workflow task timeout for runs the project's clients start (Temporal's default is 10 s). While local
 * activities run, the worker closes the open workflow task at 80% of this (2.4 s) to let waiting queries, signals
 * and updates in, and a dead worker's task is taken over after it: shorter means quicker control and
 * recovery, at the cost of a round trip every 2.4 s during a long local call.
 */
export const RUN_WORKFLOW_TASK_TIMEOUT = '3 seconds';
