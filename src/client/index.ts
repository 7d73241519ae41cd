/**
 * The client library this package exports: start and steer Plan-and-Execute runs from your own code.
 *
 *   const runs = await PlanRuns.connect();            // TEMPORAL_ADDRESS, TASK_QUEUE, ... from the environment
 *   const run = await runs.start('Write a note', { requireApproval: true });
 *   await run.edit([{ op: 'add', step: { id: 'check', title: 'Check it', instructions: '...' } }]);
 *   await run.approve();
 *   const result = await run.result();
 *
 * The wire contract for other languages is in docs/contract/.
 */
export { PlanRuns, type PlanRunsOptions, type RunSummary, type StartRunOptions } from './plan-runs';
export { RunHandle, type CancelOutcome, type EditOp, type RunDescription } from './run-handle';
export { type RunChange, type WatchOptions } from './watch';
export {
  CommandRejectedError,
  InvalidInputError,
  NoServerError,
  PlanRunsError,
  RunCancelledError,
  RunEndedError,
  RunFailedError,
  RunNotFoundError,
  type RejectionRule,
} from './errors';
export { connectClient, type ConnectedClient } from './connect';
export {
  WORKFLOW_TYPE,
  type ControlAck,
  type PlanEditOp,
  type PlanView,
  type EditPlanPayload,
  type ApprovePayload,
  type BudgetPayload,
} from '../../workflows/messages';
export type { PlanReport } from '../../workflows/plan-report';
export type { CallTotals, CostSum, ModelPrices } from '../../workflows/cost';
export type { RunInput } from '../../workflows/schemas';
export type {
  PlanStep,
  PlanRevision,
  RunEvent,
  RunResult,
  RunState,
  RunStatus,
  StepStatus,
  EndReason,
  UsageEntry,
} from '../../workflows/state';
