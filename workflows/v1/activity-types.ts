// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/**
 * Frozen: the activity contract as runs started before v2 call it (names, inputs, outputs). The worker
 * keeps serving these names and shapes so such runs can finish; see activities/v1-compat.ts.
 */
import type { PlannerOutput, ReplannerOutput } from './schemas';
import type { Plan, TokenUsage } from './state';

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
  inputError?: string;
}

export interface ToolResult {
  toolCallId: string;
  content: string;
  isError: boolean;
}

export type ChatMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ToolCall[] }
  | { role: 'tool'; results: ToolResult[] };

export interface Correction {
  previousOutput: string;
  problems: string;
}

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

export interface ExecutorTurnInput {
  goal: string;
  step: { id: string; title: string; instructions: string };
  dependencies: { id: string; title: string; result: string }[];
  transcript: ChatMessage[];
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
  justRan: string[];
  stepsLeftInBudget: number;
  pinned: string[];
  advice: string[];
  model: string;
  idempotencyKey: string;
  correction?: Correction;
}

export interface Activities {
  planGoal(input: PlanGoalInput): Promise<StructuredOutcome<PlannerOutput>>;
  executorTurn(input: ExecutorTurnInput): Promise<ExecutorTurnOutput>;
  runTool(input: RunToolInput): Promise<ToolResult>;
  replan(input: ReplanInput): Promise<StructuredOutcome<ReplannerOutput>>;
}
