/**
 * The effect boundary: every model call and tool call the workflow makes. Thin by design: build the
 * prompt, call src/llm or src/tools, validate, classify failures. Implements the contract the workflow
 * core owns (workflows/activity-contract.ts), plus the names runs started before v2 still call.
 */
import { Context } from '@temporalio/activity';
import type { ModelClients } from '../src/llm';
import type { PriceTable } from '../src/llm/prices';
import type { ToolBox } from '../src/tools';
import type {
  Activities,
  ExecutorInput,
  ExecutorOutput,
  ListToolsInput,
  PlannerInput,
  ReplannerInput,
  StructuredOutcome,
  Timed,
  ToolCallOutput,
  ToolCatalogue,
  ToolInput,
} from '../workflows/activity-contract';
import type { PlannerOutput, ReplannerOutput } from '../workflows/schemas';
import { PlannerOutputSchema, ReplannerOutputSchema } from '../workflows/schemas';
import { observeModelCall } from '../src/telemetry/calls';
import { billed } from './billing';
import { boundModelOutput } from './bounds';
import { toActivityFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import { jsonSchemaOf } from './json-schema';
import { listTools, toolSummaries } from './list-tools';
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
import { rememberCall } from './remember';
import { boundStepResult } from './spill';

import { runTool } from './run-tool';
import { callForStructured } from './structured';
import { v1Activities } from './v1-compat';

export interface ActivityDeps {
  models: ModelClients;
  tools: ToolBox;
  /** Folder under which each run gets its own workspace folder, named after the workflow id. */
  workspaceRoot: string;
  maxOutputTokens: number;
  /** What each model costs: every model call's result carries its price (unknown models: null). */
  prices: PriceTable;
}

const plannerJsonSchema = jsonSchemaOf(PlannerOutputSchema);
const replannerJsonSchema = jsonSchemaOf(ReplannerOutputSchema);

export function createActivities(deps: ActivityDeps) {
  const remember = <T extends object>(input: { idempotencyKey: string }, work: () => Promise<T>) =>
    rememberCall(deps.workspaceRoot, input, work);
  const activities = {
    async planner(input: PlannerInput): Promise<StructuredOutcome<PlannerOutput> & Timed> {
      return remember(input, async () =>
        callForStructured(deps.models, deps.prices, {
          role: 'planner',
          modelSpec: input.model,
          system: PLANNER_SYSTEM,
          prompt: plannerPrompt(
            input.goal,
            input.context,
            input.correction,
            await toolSummaries(deps.tools, input.tools),
          ),
          tool: { name: SUBMIT_PLAN_TOOL, description: 'Submit the plan.', schema: PlannerOutputSchema },
          jsonSchema: plannerJsonSchema,
          maxTokens: deps.maxOutputTokens,
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },

    /** The graph rules (ids, dependencies) are checked by the workflow, which knows the whole plan. */
    async replanner(input: ReplannerInput): Promise<StructuredOutcome<ReplannerOutput> & Timed> {
      return remember(input, async () =>
        callForStructured(deps.models, deps.prices, {
          role: 'replanner',
          modelSpec: input.model,
          system: REPLANNER_SYSTEM,
          prompt: replannerPrompt(input, await toolSummaries(deps.tools, input.tools)),
          tool: {
            name: SUBMIT_REPLAN_TOOL,
            description: 'Submit the re-planning decision.',
            schema: ReplannerOutputSchema,
          },
          jsonSchema: replannerJsonSchema,
          maxTokens: deps.maxOutputTokens,
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },

    async executor(input: ExecutorInput): Promise<ExecutorOutput & Timed> {
      return remember(input, () => executorTurn(deps, input));
    },

    async tool(input: ToolInput): Promise<ToolCallOutput & Timed> {
      return remember(input, () => runTool(deps.tools, deps.workspaceRoot, input));
    },

    async listTools(input: ListToolsInput): Promise<ToolCatalogue & Timed> {
      return remember(input, () => listTools(deps.tools, input));
    },

    async settle(): Promise<void> {
      // Nothing to do: see the contract.
    },

    async requestCancellation(): Promise<void> {
      const { info, client } = Context.current();
      const run = info.workflowExecution;
      if (!run) throw new Error('requestCancellation must run as part of a workflow');
      await client.workflow.getHandle(run.workflowId, run.runId).cancel();
    },
  } satisfies Activities;
  return { ...activities, ...v1Activities(activities) };
}

async function executorTurn(deps: ActivityDeps, input: ExecutorInput): Promise<ExecutorOutput> {
  const finalTurn = input.turn >= input.maxTurns;
  const brief = executorBrief(input);
  const text = brief.changing + (finalTurn ? '\n\nThis is your last turn: reply with your summary now.' : '');
  try {
    const { client, model } = deps.models.forSpec(input.model);
    const tools = await deps.tools.specs(input.tools);
    const call = {
      role: 'executor',
      modelSpec: input.model,
      provider: client.provider,
      model,
      maxTokens: deps.maxOutputTokens,
    } as const;
    const response = await withHeartbeat((signal) =>
      observeModelCall(call, () =>
        client.complete({
          model,
          system: EXECUTOR_SYSTEM,
          // The goal is shared by every step; each turn resends the step's conversation so far.
          stablePrefix: brief.stable,
          promptCache: 'conversation',
          messages: [{ role: 'user', text }, ...input.transcript],
          tools,
          maxTokens: deps.maxOutputTokens,
          idempotencyKey: input.idempotencyKey,
          signal,
        }),
      ),
    );
    const bounded = boundModelOutput(response.text, response.toolCalls);
    // A final summary (no tool calls) is the step's result: a long one is kept whole in the workspace.
    if (bounded.toolCalls.length === 0) {
      bounded.text = await boundStepResult(deps.workspaceRoot, input.step.id, bounded.text.trim());
    }
    return { ...bounded, ...billed(deps.prices, input.model, response.usage) };
  } catch (err) {
    throw toActivityFailure(err);
  }
}

export type WorkerActivities = ReturnType<typeof createActivities>;
