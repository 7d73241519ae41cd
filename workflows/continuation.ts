/**
 * Continue-as-new: what a run hands to its continuation (everything a person or the run itself would miss:
 * plan with revisions, results, usage, events, advice, pinned edits, counters, finishes not yet re-planned),
 * when it does so, and how the continuation takes it back. Only the workflow itself may continue a run:
 * a start that carries a continuation is refused (planAndExecute.ts), so no caller can skip the planner
 * or the approval gate by crafting one.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import {
  CONTINUATION_COMPACT_ABOVE_BYTES,
  CONTINUATION_MAX_BYTES,
  FULL_RESULTS_CARRIED,
  SHORT_RESULT_CHARS,
} from './limits';
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';

import {
  BudgetStateSchema,
  RunSpendSchema,
  StatusMsSchema,
  StepCostFields,
  UsageCostFields,
} from './cost-schemas';
import type { RunOptions } from './schemas';
import { statusTimes } from './status-time';
import { StepDraftSchema } from './step-schema';
import { ToolCatalogueSchema } from './tool-catalogue';

const PlanStepSchema = StepDraftSchema.extend({
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'removed']),
  result: z.string().optional(),
  turns: z.number().int().min(0),
  revision: z.number().int().min(0),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  ...StepCostFields,
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
          ...UsageCostFields,
        })
        .strict(),
    ),
    spend: RunSpendSchema.optional(),
    budget: BudgetStateSchema.optional(),
    statusSince: z.string().optional(),
    statusMs: StatusMsSchema.optional(),
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
  if (carried.spend) state.spend = carried.spend;
  if (carried.budget) state.budget = { ...carried.budget, waiting: undefined };
  if (carried.statusSince) state.statusSince = carried.statusSince;
  if (carried.statusMs) state.statusMs = carried.statusMs;
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
  const continuation = boundContinuation({
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
    ...(state.spend ? { spend: state.spend } : {}),
    ...(state.budget ? { budget: { ...state.budget, waiting: undefined } } : {}),
    // The time in the current status so far is added up to now; the next run counts on from here.
    statusSince: now(),
    statusMs: statusTimes(state, Date.now()),
    ...(state.tools ? { tools: state.tools } : {}),
  });
  return continueAsNew({
    goal: input.goal,
    ...(input.context !== undefined ? { context: input.context } : {}),
    options: input.options,
    continuation,
  });
}

type ContinuationInput = z.input<typeof ContinuationSchema>;

/**
 * Keep the hand-over well under Temporal's 2 MB payload limit however long the run: finished steps beyond
 * the most recent FULL_RESULTS_CARRIED keep a short result (unless a step still to run depends on them);
 * if that is not enough, every such result is shortened and the event log and revisions trimmed; and if
 * even that is too big the run ends, saying why, rather than failing its workflow task over and over.
 */
export function boundContinuation(input: ContinuationInput): ContinuationInput {
  // A copy: the live state keeps everything should the run end here instead.
  const c = {
    ...input,
    events: [...input.events],
    plan: {
      ...input.plan,
      steps: input.plan.steps.map((s) => ({ ...s })),
      revisions: [...input.plan.revisions],
    },
  };
  const needed = new Set<string>();
  for (const s of c.plan.steps)
    if (s.status === 'pending' || s.status === 'running') for (const d of s.dependsOn) needed.add(d);
  const finished = c.plan.steps.filter((s) => s.status !== 'pending' && s.status !== 'running');
  const shorten = (steps: typeof finished) => {
    for (const s of steps)
      if (!needed.has(s.id) && s.result) s.result = truncate(s.result, SHORT_RESULT_CHARS);
  };
  shorten(finished.slice(0, Math.max(0, finished.length - FULL_RESULTS_CARRIED)));
  if (sizeOf(c) <= CONTINUATION_COMPACT_ABOVE_BYTES) return c;
  shorten(finished);
  c.events = c.events.slice(-100);
  if (c.spend) c.spend = { ...c.spend, calls: c.spend.calls.slice(-20) };
  if (c.plan.revisions.length > 21) c.plan.revisions.splice(1, c.plan.revisions.length - 21);
  const size = sizeOf(c);
  if (size <= CONTINUATION_MAX_BYTES) return c;
  throw ApplicationFailure.create({
    message: `The run's state is too large to continue as new (${size} bytes after compaction; the limit is ${CONTINUATION_MAX_BYTES}): ${c.plan.steps.length} steps with their results. Start a new run for the remaining work; this run's results are in its state and workspace.`,
    type: 'StateTooLarge',
    nonRetryable: true,
  });
}

/** Bytes of the value as JSON, counting each character as its UTF-8 length. */
function sizeOf(value: unknown): number {
  const json = JSON.stringify(value);
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }
  return bytes;
}
