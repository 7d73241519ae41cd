/**
 * The activities the workflow calls: their names, inputs and outputs. The workflow core owns this contract;
 * activities/ implements it (`satisfies Activities`) and the workflow proxies it by type only.
 */
import type { ChatMessage, TokenUsage, ToolCall, ToolResult } from './chat';
import type { Billed } from './cost';
import type { PlannerOutput, ReplannerOutput, StepDraft } from './schemas';
import type { ListToolsInput, ToolCatalogue } from './tool-catalogue';

export type { ListToolsInput, ToolCatalogue } from './tool-catalogue';

export interface Correction {
  /** What the model answered last time, as text. */
  previousOutput: string;
  /** Why it was rejected. */
  problems: string;
}

/**
 * A structured answer from a model: valid, or invalid with what was wrong so the caller can re-ask once.
 * Either way with the call's usage and cost (Billed).
 */
export type StructuredOutcome<T> = (
  | { valid: true; value: T; usage: TokenUsage }
  | { valid: false; problems: string; rawOutput: string; usage: TokenUsage }
) &
  Billed;

export interface PlannerInput {
  goal: string;
  context?: string;
  model: string;
  idempotencyKey: string;
  correction?: Correction;
  /**
   * The run's tools by name (its pinned catalogue); the worker adds their one-line descriptions to the
   * prompt. Unset for runs started before the catalogue existed.
   */
  tools?: string[];
}

export interface StepBrief {
  id: string;
  title: string;
  instructions: string;
}

export interface ExecutorInput {
  goal: string;
  step: StepBrief;
  /** Results of the steps this one depends on: all the executor learns about the rest of the run. */
  dependencies: { id: string; title: string; result: string }[];
  /** The step's conversation so far, after the opening brief: assistant turns and tool results. */
  transcript: ChatMessage[];
  /** Notes from people, oldest first. */
  advice: string[];
  model: string;
  turn: number;
  maxTurns: number;
  idempotencyKey: string;
  /**
   * The tools to offer, by name (the run's catalogue, less what its policy denies); the worker offers their
   * schemas. Unset (runs started before the catalogue existed): every tool the worker has.
   */
  tools?: string[];
}

export interface ExecutorOutput extends Billed {
  text: string;
  toolCalls: ToolCall[];
}

export interface ToolInput {
  call: ToolCall;
  stepId: string;
  idempotencyKey: string;
  /** What the run pinned for this tool: the worker refuses the call if its tool is different now. */
  pinned?: { schemaHash: string };
}

/** A tool call's result; `failStep` when the step cannot go on and goes to the re-planner with the reason. */
export type ToolCallOutput = ToolResult & { failStep?: string };

/** What every executor turn of a step shares: its input without the transcript, turn number and key. */
export type ExecutorTurnBase = Omit<ExecutorInput, 'transcript' | 'turn' | 'idempotencyKey'>;

/** A tool the executorTurns activity may call itself: allowed without a person, quick, pinned. */
export interface AutoTool {
  name: string;
  schemaHash: string;
  timeoutSeconds: number;
}

/**
 * Several turns of one step in one local activity (see workflows/step-turns.ts): each turn as the executor
 * activity makes it, and after each the tool calls it asked for while they are all `autoTools`.
 */
export interface ExecutorTurnsInput {
  base: ExecutorTurnBase;
  /** The step's transcript so far, whole (each turn sends it compacted, as the workflow would). */
  transcript: ChatMessage[];
  firstTurn: number;
  /** `<run key prefix>/step-<id>`: turn N is keyed `<stepKey>/turn-N`, its call i `<stepKey>/turn-N/call-i`. */
  stepKey: string;
  autoTools: AutoTool[];
  /** Start no new call after this much time: queries and messages wait while a local activity runs. */
  stopAfterMs: number;
  /** Start no new call after one that took longer than this: the lane is slow, and goes to the server. */
  slowCallMs: number;
  /**
   * The re-plan the run would ask for if this step ended now, all but `justFinished` (empty here): when the
   * step ends with an answer, it is asked at once with the step as `justFinished`, saving the run a round
   * trip. The run uses the answer only if its own input turns out the same (see replan-ahead.ts).
   */
  replanAfter?: ReplannerInput;
}

/** One turn made by executorTurns, with the results of the calls of it that ran (the first ones, in order). */
export interface ExecutorTurnDone {
  output: ExecutorOutput & Timed;
  results: (ToolCallOutput & Timed)[];
}

export interface ExecutorTurnsOutput extends Timed {
  /**
   * The turns made, in order. Every turn but the last ran all its calls; the last one may have calls left
   * (one needs a person, is slow, is ask_human, or failed): the workflow runs those its own way.
   */
  turns: ExecutorTurnDone[];
  /** The longest single model or tool call: how fast the lane is (routing), as `elapsedMs` is for one call. */
  slowestCallMs: number;
  /** The answer to `replanAfter`, when the step ended and the call succeeded. */
  replan?: StructuredOutcome<ReplannerOutput> & Timed;
  /**
   * The call that failed and ended the activity (after its first turn): the next turn, the last turn's next
   * tool call (its index: `results.length`), or the re-plan. The run makes it again its own way, counting
   * this as its local attempt.
   */
  failed?: { call: 'turn' | 'tool' | 'replan'; failure: LocalFailure };
}

/** How a call failed, as an ApplicationFailure says it (kept in a result, not thrown). */
export interface LocalFailure {
  message: string;
  type?: string;
  nonRetryable: boolean;
  details?: unknown[];
}

/** A finished step as the re-planner sees it: one line, whatever the length of its result. */
export interface FinishedStepSummary {
  id: string;
  title: string;
  status: 'done' | 'failed' | 'skipped' | 'removed';
  summary: string;
}

/**
 * What the re-planner is given. Its size does not grow with the run: finished steps appear as one-line
 * summaries (the most recent ones; older ones only counted), full results only for the steps that just
 * finished, and the rest of the plan as drafts.
 */
export interface ReplannerInput {
  goal: string;
  context?: string;
  planVersion: number;
  /** Steps that finished since the last re-plan, with their results. */
  justFinished: { id: string; title: string; status: 'done' | 'failed'; result: string }[];
  /** Earlier finished steps, most recent last. */
  finished: FinishedStepSummary[];
  /** Finished steps older than those in `finished`, left out to keep the input small. */
  olderFinished: number;
  /** Steps running now: fixed, the revision cannot change them. */
  running: { id: string; title: string }[];
  /** The steps still to do, as the plan has them now. */
  pending: StepDraft[];
  stepsLeftInBudget: number;
  /** Steps a person added or changed: keep them as they are. */
  pinned: string[];
  /** Notes from people, oldest first. */
  advice: string[];
  model: string;
  idempotencyKey: string;
  correction?: Correction;
  /** The run's tools by name, as for the planner. */
  tools?: string[];
}

/**
 * How long the call took in the worker. The workflow routes calls by it (fast ones run as local
 * activities) and, being part of the recorded result, it replays the same.
 */
export interface Timed {
  elapsedMs: number;
  /** The activity attempt that produced the result (1 = the first; absent in results recorded before). */
  attempt?: number;
}

export interface Activities {
  planner(input: PlannerInput): Promise<StructuredOutcome<PlannerOutput> & Timed>;
  executor(input: ExecutorInput): Promise<ExecutorOutput & Timed>;
  /** A step's executor turns and quick allowed tool calls, back to back, in one local activity. */
  executorTurns(input: ExecutorTurnsInput): Promise<ExecutorTurnsOutput>;
  tool(input: ToolInput): Promise<ToolCallOutput & Timed>;
  /**
   * The tools this run may use (its allow-list applied), each with its policy for the run and a hash of its
   * schema: called once at the start of a run, which keeps the answer for its whole life.
   */
  listTools(input: ListToolsInput): Promise<ToolCatalogue & Timed>;
  replanner(input: ReplannerInput): Promise<StructuredOutcome<ReplannerOutput> & Timed>;
  /**
   * Does nothing, as a regular activity: awaiting it closes the workflow task, which records the results
   * of the local activities before it and lets waiting messages in. (A timer would too, but the server
   * fires timers at one-second granularity.)
   */
  settle(): Promise<void>;
  /**
   * Asks the Temporal server to cancel this run, as the Web UI's cancel button does. A person's cancel goes
   * through it so that the run ends in Temporal's own Canceled state (a run cannot cancel itself).
   */
  requestCancellation(): Promise<void>;
}
