// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/**
 * What a run hands to its continuation when it continues as new: everything a person or the run itself
 * would miss (plan with revisions, results, usage, events, advice, pinned edits, counters). Validated
 * like any workflow input.
 */
import { z } from 'zod';
import { StepDraftSchema } from './step-schema';

const PlanStepSchema = StepDraftSchema.extend({
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  result: z.string().optional(),
  turns: z.number().int().min(0),
  revision: z.number().int().min(0),
});

const PlanSchema = z.object({
  version: z.number().int().min(1),
  steps: z.array(PlanStepSchema),
  revisions: z.array(
    z.object({
      version: z.number().int().min(1),
      author: z.enum(['planner', 'replanner', 'human']),
      reason: z.string(),
      at: z.string(),
      added: z.array(z.string()),
      changed: z.array(z.string()),
      removed: z.array(z.string()),
    }),
  ),
});

export const ContinuationSchema = z.object({
  plan: PlanSchema,
  stepsExecuted: z.number().int().min(0),
  replans: z.number().int().min(0),
  usage: z.array(
    z.object({
      role: z.enum(['planner', 'executor', 'replanner']),
      model: z.string(),
      calls: z.number().int().min(0),
      inputTokens: z.number().int().min(0),
      outputTokens: z.number().int().min(0),
    }),
  ),
  events: z.array(
    z.object({
      // Defaults keep continuations written before these fields existed valid (replay-safe).
      seq: z.number().int().min(0).default(0),
      at: z.string(),
      kind: z.string(),
      message: z.string(),
      stepId: z.string().optional(),
    }),
  ),
  eventsTotal: z.number().int().min(0).default(0),
  advice: z.array(z.object({ at: z.string(), note: z.string() })),
  pinnedStepIds: z.array(z.string()),
  humanRemovedStepIds: z.array(z.string()),
  paused: z.boolean(),
  questionCount: z.number().int().min(0),
  startedAt: z.string(),
  /** How many times the run has continued as new so far, this hand-over included. */
  continuedAsNew: z.number().int().min(1),
});
export type Continuation = z.output<typeof ContinuationSchema>;
