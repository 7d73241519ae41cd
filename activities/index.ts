/**
 * The effect boundary: every model call and tool call the workflow makes. Thin by design: build the
 * prompt, call src/llm or src/tools, validate, classify failures.
 */
import { z } from 'zod';
import type { ModelClients } from '../src/llm';
import type { ToolRegistry } from '../src/tools';
import { finishedIds, findPlanProblems } from '../workflows/plan';
import { ASK_HUMAN_TOOL, AskHumanInputSchema } from '../workflows/messages';
import { PlannerOutputSchema, ReplannerOutputSchema } from '../workflows/schemas';
import { toActivityFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import { runTool } from './run-tool';
import {
  EXECUTOR_SYSTEM,
  executorBrief,
  PLANNER_SYSTEM,
  plannerPrompt,
  REPLANNER_SYSTEM,
  replannerPrompt,
  SUBMIT_PLAN_TOOL,
  SUBMIT_REPLAN_TOOL,
} from './prompts';
import { callForStructured } from './structured';
import type {
  ExecutorTurnInput,
  ExecutorTurnOutput,
  PlanGoalInput,
  PlanGoalOutput,
  ReplanInput,
  ReplanOutput,
  RunToolInput,
  ToolCall,
  ToolResult,
} from './types';

export type * from './types';

export interface ActivityDeps {
  models: ModelClients;
  tools: ToolRegistry;
  /** Folder under which each run gets its own workspace folder, named after the workflow id. */
  workspaceRoot: string;
  maxOutputTokens: number;
}

const plannerJsonSchema = jsonSchemaOf(PlannerOutputSchema);
const replannerJsonSchema = jsonSchemaOf(ReplannerOutputSchema);

/** Offered to the executor beside the registry's tools; the workflow itself waits for the answer. */
const askHumanSpec = {
  name: ASK_HUMAN_TOOL,
  description: 'Ask the person overseeing this run one question and wait for the answer.',
  inputSchema: jsonSchemaOf(AskHumanInputSchema),
};

export function createActivities(deps: ActivityDeps) {
  return {
    async planGoal(input: PlanGoalInput): Promise<PlanGoalOutput> {
      return callForStructured(deps.models, {
        modelSpec: input.model,
        system: PLANNER_SYSTEM,
        prompt: plannerPrompt(input.goal, input.context, input.correction),
        tool: { name: SUBMIT_PLAN_TOOL, description: 'Submit the plan.', schema: PlannerOutputSchema },
        jsonSchema: plannerJsonSchema,
        maxTokens: deps.maxOutputTokens,
        idempotencyKey: input.idempotencyKey,
        check: (plan) => findPlanProblems(plan.steps, new Set(), new Set()),
      });
    },

    async replan(input: ReplanInput): Promise<ReplanOutput> {
      const { done, taken } = finishedIds(input.plan);
      return callForStructured(deps.models, {
        modelSpec: input.model,
        system: REPLANNER_SYSTEM,
        prompt: replannerPrompt(input),
        tool: {
          name: SUBMIT_REPLAN_TOOL,
          description: 'Submit the re-planning decision.',
          schema: ReplannerOutputSchema,
        },
        jsonSchema: replannerJsonSchema,
        maxTokens: deps.maxOutputTokens,
        idempotencyKey: input.idempotencyKey,
        check: (decision) =>
          decision.action === 'continue' ? findPlanProblems(decision.remainingSteps, done, taken) : [],
      });
    },

    async executorTurn(input: ExecutorTurnInput): Promise<ExecutorTurnOutput> {
      const finalTurn = input.turn >= input.maxTurns;
      const brief =
        executorBrief(input) + (finalTurn ? '\n\nThis is your last turn: reply with your summary now.' : '');
      try {
        const { client, model } = deps.models.forSpec(input.model);
        const response = await withHeartbeat((signal) =>
          client.complete({
            model,
            system: EXECUTOR_SYSTEM,
            messages: [{ role: 'user', text: brief }, ...input.transcript],
            tools: [...deps.tools.specs(), askHumanSpec],
            maxTokens: deps.maxOutputTokens,
            idempotencyKey: input.idempotencyKey,
            signal,
          }),
        );
        return { ...boundModelOutput(response.text, response.toolCalls), usage: response.usage };
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    async runTool(input: RunToolInput): Promise<ToolResult> {
      return runTool(deps.tools, deps.workspaceRoot, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Model output kept in history at most: text is cut, and an oversized tool call is refused back to the model. */
export const MAX_MODEL_TEXT_CHARS = 64_000;
export const MAX_TOOL_ARGUMENT_CHARS = 256_000;

function boundModelOutput(text: string, toolCalls: ToolCall[]): { text: string; toolCalls: ToolCall[] } {
  const cutText =
    text.length <= MAX_MODEL_TEXT_CHARS
      ? text
      : `${text.slice(0, MAX_MODEL_TEXT_CHARS)}\n[... cut at ${MAX_MODEL_TEXT_CHARS} of ${text.length} characters]`;
  return {
    text: cutText,
    toolCalls: toolCalls.map((call) => {
      const size =
        typeof call.input === 'string' ? call.input.length : JSON.stringify(call.input ?? {}).length;
      if (size <= MAX_TOOL_ARGUMENT_CHARS) return call;
      return {
        id: call.id,
        name: call.name,
        input: {},
        inputError: `arguments too large (${size} characters; the limit is ${MAX_TOOL_ARGUMENT_CHARS}): split the work into smaller calls`,
      };
    }),
  };
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}
