/**
 * zod schemas of what the run sends back (query replies, update acknowledgements, the result), so the
 * wire contract can be published as JSON Schema for other languages. The workflow declares these as
 * TypeScript types (workflows/state.ts, messages.ts); the `Same<...>` checks at the end make `npm run
 * typecheck` fail when a schema here and the workflow's type drift apart.
 */
import {
  BudgetStateSchema,
  CallTotalsSchema,
  RunSpendSchema,
  RunStatusSchema as StatusEnum,
  StatusMsSchema,
} from '../../../workflows/cost-schemas';
import { ToolCatalogueSchema } from '../../../workflows/tool-catalogue';
import { z } from 'zod';
import type { ControlAck, PlanView } from '../../../workflows/messages';
import { RunOptionsSchema, StepDraftSchema } from '../../../workflows/schemas';
import { PlanReportSchema } from './report';
import type { PlanStep, RunResult, RunState } from '../../../workflows/state';

export const StepStatusSchema = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'removed']);
export const RunStatusSchema = StatusEnum;
const EndReasonSchema = z.enum([
  'answered',
  'max_steps',
  'max_replans',
  'budget_exhausted',
  'rejected',
  'cancelled',
  'error',
]);
const Timestamp = z.string().describe('ISO 8601 time, e.g. 2026-11-27T03:34:08.123Z');

export const PlanStepSchema = StepDraftSchema.extend({
  status: StepStatusSchema,
  result: z
    .string()
    .optional()
    .describe(
      'what the step produced (done) or why it stopped (failed), or who dropped it and why (skipped, removed)',
    ),
  turns: z.number().int(),
  revision: z.number().int().describe('plan version that introduced the step in its current form'),
  startedAt: Timestamp.optional(),
  endedAt: Timestamp.optional(),
  spend: CallTotalsSchema.optional().describe(
    "the step's model calls: tokens, dollars (null: unknown), time",
  ),
  inputHash: z.string().optional().describe("fingerprint of the step's inputs when it started"),
  reusedFrom: z
    .string()
    .optional()
    .describe('the done step whose result this one took (same inputs, no call)'),
  redoes: z.string().optional().describe('the finished step whose work this one did again (paid twice)'),
}).strict();

export const PlanRevisionSchema = z
  .object({
    version: z.number().int(),
    author: z.enum(['planner', 'replanner', 'human']),
    reason: z.string(),
    at: Timestamp,
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
  })
  .strict();

export const PlanSchema = z
  .object({
    version: z.number().int(),
    steps: z.array(PlanStepSchema),
    revisions: z.array(PlanRevisionSchema),
  })
  .strict();

export const UsageEntrySchema = z
  .object({
    role: z.enum(['planner', 'executor', 'replanner']),
    model: z.string(),
    calls: z.number().int(),
    inputTokens: z.number().int().describe('every input token, cached ones included'),
    outputTokens: z.number().int(),
    cacheReadTokens: z.number().int().optional(),
    cacheWriteTokens: z.number().int().optional(),
    costUsd: z.number().nullable().optional().describe('dollars of the priced calls; null: none had a price'),
    unpricedCalls: z
      .number()
      .int()
      .optional()
      .describe('calls without a price: costUsd is then a lower bound'),
    ms: z.number().optional(),
  })
  .strict();

const PendingQuestionSchema = z
  .object({ id: z.string(), stepId: z.string(), question: z.string(), askedAt: Timestamp })
  .strict();

export const RunEventSchema = z
  .object({
    seq: z.number().int().describe('1, 2, 3, ... over the whole run; the log keeps only the latest events'),
    at: Timestamp,
    kind: z.string().describe('e.g. planned, step_started, step_done, replanned, plan_edited, run_completed'),
    message: z.string(),
    stepId: z.string().optional(),
  })
  .strict();

/** The `getState` query's reply. */
export const RunStateSchema = z
  .object({
    status: RunStatusSchema,
    goal: z.string(),
    context: z.string().optional(),
    options: RunOptionsSchema,
    plan: PlanSchema,
    runningStepIds: z.array(z.string()),
    paused: z.boolean(),
    cancelling: z.boolean().optional(),
    pendingQuestion: PendingQuestionSchema.optional(),
    questions: z.array(PendingQuestionSchema),
    pendingCalls: z.array(
      z
        .object({
          id: z.string().describe('what approve-call and deny-call name: <step>.<turn>.<call>'),
          stepId: z.string(),
          tool: z.string(),
          arguments: z.string(),
          kind: z.string(),
          reason: z.string(),
          askedAt: Timestamp,
        })
        .strict(),
    ),
    tools: ToolCatalogueSchema.optional(),
    advice: z.array(z.object({ at: Timestamp, note: z.string() }).strict()),
    pinnedStepIds: z.array(z.string()),
    humanRemovedStepIds: z.array(z.string()),
    stepsExecuted: z.number().int(),
    replans: z.number().int(),
    revisionsOmitted: z.number().int().optional(),
    continuedAsNew: z.number().int(),

    usage: z.array(UsageEntrySchema),
    spend: RunSpendSchema.optional().describe(
      'recent model calls one by one, retries, re-asks, reused steps',
    ),
    budget: BudgetStateSchema.optional().describe('limits, extensions, and what the run waits for'),
    statusSince: Timestamp.optional(),
    statusMs: StatusMsSchema.optional().describe('milliseconds spent in each status so far'),
    events: z.array(RunEventSchema),
    eventsTotal: z.number().int(),
    answer: z.string().optional(),
    endReason: EndReasonSchema.optional(),
    endMessage: z.string().optional(),
    startedAt: Timestamp,
    updatedAt: Timestamp,
  })
  .strict();

/** The `getPlan` query's reply. */
export const PlanViewSchema = z
  .object({
    status: RunStatusSchema,
    version: z.number().int(),
    steps: z.array(
      z
        .object({
          id: z.string(),
          title: z.string(),
          status: StepStatusSchema,
          dependsOn: z.array(z.string()),
          pinned: z.boolean(),
        })
        .strict(),
    ),
    pendingQuestion: z
      .object({ id: z.string(), stepId: z.string(), question: z.string() })
      .strict()
      .optional(),
  })
  .strict();

/** What every control update returns once accepted. */
export const ControlAckSchema = z
  .object({
    planVersion: z.number().int().describe('the plan version the command produced'),
    status: RunStatusSchema.describe('the run status the command produced'),
    message: z.string(),
    notes: z
      .array(z.string())
      .optional()
      .describe(
        'what the command did differently from what was asked, e.g. a step placed after its dependency',
      ),
  })
  .strict();

/** The workflow's result when it completes (a cancelled or failed run has none; see the README). */
export const RunResultSchema = z
  .object({
    endReason: EndReasonSchema.exclude(['error']),
    answer: z.string().nullable().describe('the answer when endReason is "answered", otherwise null'),
    message: z.string(),
    plan: PlanSchema,
    usage: z.array(UsageEntrySchema),
    stepsExecuted: z.number().int(),
    replans: z.number().int(),
    report: PlanReportSchema.optional().describe(
      'plan quality: steps, re-plans, parallelism, cost and time per step and role, retries, waits, cache',
    ),
  })
  .strict();

// ---- drift checks: each schema's type must equal the workflow's type, both ways ------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
void same<Same<z.output<typeof PlanStepSchema>, PlanStep>>();
void same<Same<z.output<typeof RunStateSchema>, RunState>>();
void same<Same<z.output<typeof PlanViewSchema>, PlanView>>();
void same<Same<z.output<typeof ControlAckSchema>, ControlAck>>();
void same<Same<z.output<typeof RunResultSchema>, RunResult>>();
