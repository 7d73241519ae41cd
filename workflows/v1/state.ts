// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/** The durable state of one run: what the workflow holds, what queries return, what the result carries. */
import type { ResolvedRunInput, RunOptions, StepDraft } from './schemas';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';
export type RevisionAuthor = 'planner' | 'replanner' | 'human';

export interface PlanStep extends StepDraft {
  status: StepStatus;
  /** Summary of what the step produced (done) or why it stopped (failed, skipped). */
  result?: string;
  /** Executor model turns spent on the step. */
  turns: number;
  /** Plan version that introduced this step in its current form. */
  revision: number;
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

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface UsageEntry extends TokenUsage {
  role: ModelRole;
  model: string;
  calls: number;
}

/** What the run is doing (the phases) or how it ended (completed, failed, cancelled). */
export type RunStatus =
  | 'planning'
  | 'awaiting_approval'
  | 'executing'
  | 'replanning'
  | 'paused'
  | 'waiting_for_human'
  | 'completed'
  | 'failed'
  | 'cancelled';

export const ENDED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Why a run ended. `answered` is the only one that carries an answer. */
export type EndReason = 'answered' | 'max_steps' | 'max_replans' | 'rejected' | 'cancelled' | 'error';

export interface PendingQuestion {
  id: string;
  stepId: string;
  question: string;
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
  pendingQuestion?: PendingQuestion;
  /** Notes from people; the executor and re-planner see them from then on. */
  advice: AdviceNote[];
  /** Steps a person added or changed: the re-planner may not drop or rewrite them. */
  pinnedStepIds: string[];
  /** Steps a person removed: the re-planner may not bring them back. */
  humanRemovedStepIds: string[];
  stepsExecuted: number;
  replans: number;
  /** How many times this run has continued as new (each time with a fresh, short history). */
  continuedAsNew: number;
  usage: UsageEntry[];
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
}

export function initialState(input: ResolvedRunInput, now: string): RunState {
  return {
    status: 'planning',
    goal: input.goal,
    ...(input.context !== undefined ? { context: input.context } : {}),
    options: input.options,
    plan: { version: 0, steps: [], revisions: [] },
    runningStepIds: [],
    paused: false,
    advice: [],
    pinnedStepIds: [],
    humanRemovedStepIds: [],
    stepsExecuted: 0,
    replans: 0,
    continuedAsNew: 0,
    usage: [],
    events: [],
    eventsTotal: 0,
    startedAt: now,
    updatedAt: now,
  };
}
