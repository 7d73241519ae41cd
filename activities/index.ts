/**
 * The effect boundary: every model call and tool call the workflow makes. Thin by design: build the
 * prompt, call src/llm or src/tools, validate, classify failures. Implements the contract the workflow
 * core owns (workflows/activity-contract.ts), plus the names runs started before v2 still call.
 */
import { Context } from '@temporalio/activity';
import type {
  Activities,
  ExecutorInput,
  ExecutorOutput,
  ExecutorTurnsInput,
  ExecutorTurnsOutput,
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
import { jsonSchemaOf } from './json-schema';
import { listTools, toolSummaries } from './list-tools';
import {
  PLANNER_SYSTEM,
  plannerPrompt,
  REPLANNER_SYSTEM,
  replannerPrompt,
  SUBMIT_PLAN_TOOL,
  SUBMIT_REPLAN_TOOL,
} from './prompts';
import type { ActivityDeps } from './deps';
import { executorTurn } from './executor';
import { executorTurns } from './executor-turns';
import { rememberCall } from './remember';

import { runTool } from './run-tool';
import { callForStructured } from './structured';
import { v1Activities } from './v1-compat';

const plannerJsonSchema = jsonSchemaOf(PlannerOutputSchema);
const replannerJsonSchema = jsonSchemaOf(ReplannerOutputSchema);

export function createActivities(deps: ActivityDeps) {
  const remember = <T extends object>(input: { idempotencyKey: string }, work: () => Promise<T>) =>
    rememberCall(deps.workspaceRoot, input, work);
  const replan = (input: ReplannerInput): Promise<StructuredOutcome<ReplannerOutput> & Timed> =>
    remember(input, async () =>
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
      return replan(input);
    },

    async executor(input: ExecutorInput): Promise<ExecutorOutput & Timed> {
      return remember(input, () => executorTurn(deps, input));
    },

    async executorTurns(input: ExecutorTurnsInput): Promise<ExecutorTurnsOutput> {
      return executorTurns(deps, input, replan);
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

export type { ActivityDeps } from './deps';

export type WorkerActivities = ReturnType<typeof createActivities>;
