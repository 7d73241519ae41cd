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

export type RunStatus = 'planning' | 'executing' | 'replanning' | 'completed' | 'failed';

/** Why a run ended. `answered` is the only one that carries an answer. */
export type EndReason = 'answered' | 'max_steps' | 'max_replans' | 'error';

export interface RunEvent {
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
  stepsExecuted: number;
  replans: number;
  usage: UsageEntry[];
  events: RunEvent[];
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
    stepsExecuted: 0,
    replans: 0,
    usage: [],
    events: [],
    startedAt: now,
    updatedAt: now,
  };
}
