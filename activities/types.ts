/** Activity inputs and outputs. The workflow imports these as types only. */
import type { ChatMessage, ToolCall, ToolResult } from '../src/llm/types';
import type { PlannerOutput, ReplannerOutput } from '../workflows/schemas';
import type { Plan, TokenUsage } from '../workflows/state';

export type { ChatMessage, ToolCall, ToolResult };

export interface Correction {
  /** What the model answered last time, as text. */
  previousOutput: string;
  /** Why it was rejected. */
  problems: string;
}

/** A structured answer from a model: valid, or invalid with what was wrong so the caller can re-ask once. */
export type StructuredOutcome<T> =
  | { valid: true; value: T; usage: TokenUsage }
  | { valid: false; problems: string; rawOutput: string; usage: TokenUsage };

export interface PlanGoalInput {
  goal: string;
  context?: string;
  model: string;
  idempotencyKey: string;
  correction?: Correction;
}
export type PlanGoalOutput = StructuredOutcome<PlannerOutput>;

export interface StepBrief {
  id: string;
  title: string;
  instructions: string;
}

export interface ExecutorTurnInput {
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
}
export interface ExecutorTurnOutput {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
}

export interface RunToolInput {
  call: ToolCall;
  stepId: string;
  idempotencyKey: string;
}

export interface ReplanInput {
  goal: string;
  context?: string;
  plan: Plan;
  /** Steps that ran in the batch just finished. */
  justRan: string[];
  stepsLeftInBudget: number;
  /** Steps a person added or changed: keep them as they are. */
  pinned: string[];
  /** Notes from people, oldest first. */
  advice: string[];
  model: string;
  idempotencyKey: string;
  correction?: Correction;
}
export type ReplanOutput = StructuredOutcome<ReplannerOutput>;
