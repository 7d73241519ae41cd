/**
 * Continue-as-new: what a run hands to its continuation (everything a person or the run itself would miss:
 * plan with revisions, results, usage, events, advice, pinned edits, counters, finishes not yet re-planned),
 * when it does so, and how the continuation takes it back. Only the workflow itself may continue a run:
 * a start that carries a continuation is refused (planAndExecute.ts), so no caller can skip the planner
 * or the approval gate by crafting one.
 */
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { RunCore } from './run-core';
import type { RunOptions } from './schemas';
import { StepDraftSchema } from './step-schema';
import { ToolCatalogueSchema } from './tool-catalogue';

const PlanStepSchema = StepDraftSchema.extend({
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'removed']),
  result: z.string().optional(),
  turns: z.number().int().min(0),
  revision: z.number().int().min(0),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
}).strict();

const PlanSchema = z
  .object({
    version: z.number().int().min(1),
    steps: z.array(PlanStepSchema),
    revisions: z.array(
      z
        .object({
          version: z.number().int().min(1),
          author: z.enum(['planner', 'replanner', 'human']),
          reason: z.string(),
          at: z.string(),
          added: z.array(z.string()),
          changed: z.array(z.string()),
          removed: z.array(z.string()),
        })
        .strict(),
    ),
  })
  .strict();

/** Accepts what runs started before v2 carried too (their hand-over lands on this code). */
export const ContinuationSchema = z
  .object({
    plan: PlanSchema,
    stepsExecuted: z.number().int().min(0),
    replans: z.number().int().min(0),
    usage: z.array(
      z
        .object({
          role: z.enum(['planner', 'executor', 'replanner']),
          model: z.string(),
          calls: z.number().int().min(0),
          inputTokens: z.number().int().min(0),
          outputTokens: z.number().int().min(0),
        })
        .strict(),
    ),
    events: z.array(
      z
        .object({
          seq: z.number().int().min(0).default(0),
          at: z.string(),
          kind: z.string(),
          message: z.string(),
          stepId: z.string().optional(),
        })
        .strict(),
    ),
    eventsTotal: z.number().int().min(0).default(0),
    advice: z.array(z.object({ at: z.string(), note: z.string() }).strict()),
    pinnedStepIds: z.array(z.string()),
    humanRemovedStepIds: z.array(z.string()),
    paused: z.boolean(),
    questionCount: z.number().int().min(0),
    startedAt: z.string(),
    /** How many times the run has continued as new so far, this hand-over included. */
    continuedAsNew: z.number().int().min(1),
    /** Steps that finished but no re-plan has seen yet: the continuation re-plans them first. */
    unseen: z.array(z.string()).default([]),
    /** The tools the run pinned at its start: a continuation keeps them (never lists again). */
    tools: ToolCatalogueSchema.optional(),
  })
  .strict();
export type Continuation = z.output<typeof ContinuationSchema>;

/** Temporal suggests it (history near 4,096 events or 4 MB), or options.continueAsNewAfterSteps is reached. */
export function shouldContinueAsNew(options: RunOptions, stepsThisRun: number): boolean {
  const after = options.continueAsNewAfterSteps;
  return workflowInfo().continueAsNewSuggested || (after !== undefined && stepsThisRun >= after);
}

/** Take back what the previous run in the chain handed over. */
export function restoreState(core: RunCore, carried: Continuation): void {
  const { state } = core;
  state.stepsExecuted = carried.stepsExecuted;
  state.replans = carried.replans;
  state.usage = carried.usage;
  state.events = carried.events;
  state.eventsTotal = carried.eventsTotal;
  state.advice = carried.advice;
  state.pinnedStepIds = carried.pinnedStepIds;
  state.humanRemovedStepIds = carried.humanRemovedStepIds;
  state.paused = carried.paused;
  state.startedAt = carried.startedAt;
  state.continuedAsNew = carried.continuedAsNew;
  if (carried.tools) state.tools = carried.tools;
  core.setPlan(carried.plan);
}

/**
 * Hand the whole state to a fresh run with a short history. Called only when nothing runs: no step, no
 * re-plan, no question or approval pending. Handlers are drained first so no update is cut off.
 */
export async function continueRun(core: RunCore, questionCount: number, unseen: string[]): Promise<never> {
  const { state, input } = core;
  const next = state.continuedAsNew + 1;
  core.event(
    'continuing_as_new',
    `History is long (${workflowInfo().historyLength} events); continuing as new (${next}).`,
  );
  await condition(allHandlersFinished);
  const continuation: z.input<typeof ContinuationSchema> = {
    plan: state.plan,
    stepsExecuted: state.stepsExecuted,
    replans: state.replans,
    usage: state.usage,
    events: state.events,
    eventsTotal: state.eventsTotal,
    advice: state.advice,
    pinnedStepIds: state.pinnedStepIds,
    humanRemovedStepIds: state.humanRemovedStepIds,
    paused: state.paused,
    questionCount,
    startedAt: state.startedAt,
    continuedAsNew: next,
    unseen,
    ...(state.tools ? { tools: state.tools } : {}),
  };
  return continueAsNew({
    goal: input.goal,
    ...(input.context !== undefined ? { context: input.context } : {}),
    options: input.options,
    continuation,
  });
}
