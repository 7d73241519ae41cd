/** The durable state of one run: what the workflow holds, what queries return, what the result carries. */
import type { TokenUsage } from './chat';
import { initialBudget, type BudgetState } from './budget-state';
import { emptySpend, type CallTotals, type RunSpend } from './cost';
import type { PlanReport } from './plan-report';
import type { ResolvedRunInput, RunOptions, StepDraft } from './schemas';
import type { ToolCatalogue } from './tool-catalogue';

export type { TokenUsage } from './chat';

/**
 * `skipped`: the re-planner dropped the step before it ran; `removed`: a person removed it. Both stay in
 * the plan (with who and why in `result`) so nobody wonders where a step went.
 */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'removed';
export type RevisionAuthor = 'planner' | 'replanner' | 'human';

export interface PlanStep extends StepDraft {
  status: StepStatus;
  /** Summary of what the step produced (done) or why it stopped (failed, skipped, removed). */
  result?: string;
  /** Executor model turns spent on the step. */
  turns: number;
  /** Plan version that introduced this step in its current form. */
  revision: number;
  startedAt?: string;
  endedAt?: string;
  /** The step's model calls: tokens, dollars, time (absent on steps that made none). */
  spend?: CallTotals;
  /** Fingerprint of the step's inputs when it started (instructions, dependencies' results, tools). */
  inputHash?: string;
  /** The done step whose result this one took, its inputs being the same: no call was made. */
  reusedFrom?: string;
  /** A finished step with the same title that this one did again with other inputs: its cost was paid twice. */
  redoes?: string;
}

export interface PlanRevision {
  version: number;
  author: RevisionAuthor;
  reason: string;
  at: string;
  /** Step ids added, changed and removed by this revision. */
  added: string[];
  changed: string[];
  removed: string[];
}

export interface Plan {
  version: number;
  steps: PlanStep[];
  revisions: PlanRevision[];
}

export type ModelRole = 'planner' | 'executor' | 'replanner';

export interface UsageEntry extends TokenUsage {
  role: ModelRole;
  model: string;
  calls: number;
  /** Dollars of the calls with a price; null when none had one (absent in state kept before costs were). */
  costUsd?: number | null;
  /** Calls without a price: when more than 0, costUsd is a lower bound. */
  unpricedCalls?: number;
  /** Time the calls took in the worker, summed. */
  ms?: number;
}

/** What the run is doing (the phases) or how it ended (completed, failed, cancelled). */
export type RunStatus =
  | 'planning'
  | 'awaiting_approval'
  | 'executing'
  | 'replanning'
  | 'paused'
  | 'awaiting_budget'
  | 'waiting_for_human'
  | 'completed'
  | 'failed'
  | 'cancelled';

export const ENDED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Why a run ended. `answered` is the only one that carries an answer. */
export type EndReason =
  'answered' | 'max_steps' | 'max_replans' | 'budget_exhausted' | 'rejected' | 'cancelled' | 'error';

export interface PendingQuestion {
  id: string;
  stepId: string;
  question: string;
  askedAt: string;
}

/** A tool call waiting for a person's approval (its tool's policy is "ask"). */
export interface PendingCall {
  /** `<step>.<turn>.<call>`: unique in the run, what approve-call and deny-call name. */
  id: string;
  stepId: string;
  tool: string;
  /** The call's arguments as JSON (cut at 2,000 characters). */
  arguments: string;
  kind: string;
  /** Why it waits: where its "ask" policy came from. */
  reason: string;
  askedAt: string;
}

export interface AdviceNote {
  at: string;
  note: string;
}

export interface RunEvent {
  /** 1, 2, 3, ... over the whole run: the log keeps only the latest events, the numbers keep counting. */
  seq: number;
  at: string;
  kind: string;
  message: string;
  stepId?: string;
}

export interface RunState {
  status: RunStatus;
  goal: string;
  context?: string;
  options: RunOptions;
  plan: Plan;
  runningStepIds: string[];
  /** Set by pause: no new model or tool call starts until resume. */
  paused: boolean;
  /** A person asked to cancel: no new call starts; Temporal's cancellation is on its way. */
  cancelling?: boolean;
  /** The question shown to people now (the oldest one waiting). */
  pendingQuestion?: PendingQuestion;
  /** Every question waiting for an answer, oldest first (parallel steps may ask at once). */
  questions: PendingQuestion[];
  /** Tool calls waiting for a person's approval, oldest first. */
  pendingCalls: PendingCall[];
  /** The tools this run may use, listed and pinned at its start (unset for runs started before that). */
  tools?: ToolCatalogue;
  /** Notes from people; the executor and re-planner see them from then on. */
  advice: AdviceNote[];
  /** Steps a person added or changed: the re-planner may not drop or rewrite them. */
  pinnedStepIds: string[];
  /** Steps a person removed: the re-planner may not bring them back. */
  humanRemovedStepIds: string[];
  /** Steps that finished (done or failed). */
  stepsExecuted: number;
  replans: number;
  /** Plan revisions dropped from `plan.revisions` to keep state bounded (see workflows/limits.ts). */
  revisionsOmitted?: number;
  /** How many times this run has continued as new (each time with a fresh, short history). */

  continuedAsNew: number;
  usage: UsageEntry[];
  /** Recent model calls one by one, retries, re-asks and reused steps (see workflows/cost.ts). */
  spend?: RunSpend;
  /** Limits on dollars, tokens and minutes, people's extensions, and what the run waits for (see budget.ts). */
  budget?: BudgetState;
  /** When the status last changed, and the time spent in each status so far (across continue-as-new). */
  statusSince?: string;
  statusMs?: Partial<Record<RunStatus, number>>;
  events: RunEvent[];
  eventsTotal: number;
  answer?: string;
  endReason?: EndReason;
  endMessage?: string;
  startedAt: string;
  updatedAt: string;
}

export interface RunResult {
  endReason: Exclude<EndReason, 'error'>;
  answer: string | null;
  message: string;
  plan: Plan;
  usage: UsageEntry[];
  stepsExecuted: number;
  replans: number;
  /** Plan-quality figures: steps, re-plans, parallelism, cost and time, retries, waits, cache (plan-report.ts). */
  report?: PlanReport;
}

export function initialState(input: ResolvedRunInput, now: string): RunState {
  const budget = initialBudget(input.options);
  return {
    status: 'planning',
    goal: input.goal,
    ...(input.context !== undefined ? { context: input.context } : {}),
    options: input.options,
    plan: { version: 0, steps: [], revisions: [] },
    runningStepIds: [],
    paused: false,
    questions: [],
    pendingCalls: [],
    advice: [],
    pinnedStepIds: [],
    humanRemovedStepIds: [],
    stepsExecuted: 0,
    replans: 0,
    continuedAsNew: 0,
    usage: [],
    spend: emptySpend(),
    ...(budget ? { budget } : {}),
    statusSince: now,
    statusMs: {},
    events: [],
    eventsTotal: 0,
    startedAt: now,
    updatedAt: now,
  };
}
