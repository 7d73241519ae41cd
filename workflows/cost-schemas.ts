/**
 * zod schemas of the cost, budget and status-time state a run hands to its continuation (continuation.ts):
 * strict, like the rest of the hand-over, and optional there, so hand-overs from before they existed parse.
 */
import { z } from 'zod';

const Count = z.number().int().min(0);
const Usd = z.number().min(0).nullable();

export const CallTotalsSchema = z
  .object({
    calls: Count,
    inputTokens: Count,
    outputTokens: Count,
    cacheReadTokens: Count,
    cacheWriteTokens: Count,
    costUsd: Usd,
    unpricedCalls: Count,
    ms: z.number().min(0),
  })
  .strict();

const CallRecordSchema = z
  .object({
    seq: Count,
    at: z.string(),
    role: z.enum(['planner', 'executor', 'replanner']),
    model: z.string(),
    stepId: z.string().optional(),
    inputTokens: Count,
    outputTokens: Count,
    cacheReadTokens: Count,
    cacheWriteTokens: Count,
    costUsd: Usd,
    ms: z.number().min(0),
    attempts: z.number().int().min(1),
    reask: z.boolean().optional(),
  })
  .strict();

export const RunSpendSchema = z
  .object({
    callsTotal: Count,
    calls: z.array(CallRecordSchema),
    retriedCalls: Count,
    extraAttempts: Count,
    reasks: CallTotalsSchema,
    reusedSteps: Count,
  })
  .strict();

const Limits = z
  .object({
    usd: z.number().positive().optional(),
    tokens: Count.optional(),
    minutes: z.number().positive().optional(),
  })
  .strict();

const BudgetWaitSchema = z
  .object({
    since: z.string(),
    kind: z.enum(['usd', 'tokens', 'minutes']),
    message: z.string(),
    spent: z.object({ usd: z.number(), unpricedCalls: Count, tokens: Count, minutes: z.number() }).strict(),
  })
  .strict();

export const BudgetStateSchema = z
  .object({
    limits: Limits,
    extensions: z.array(
      z
        .object({
          at: z.string(),
          addUsd: z.number().optional(),
          addTokens: z.number().optional(),
          addMinutes: z.number().optional(),
          reason: z.string().optional(),
        })
        .strict(),
    ),
    // Never carried while set (a run continues as new only when nothing waits), but parsed if it is.
    waiting: BudgetWaitSchema.optional(),
    stops: Count,
  })
  .strict();

export const RunStatusSchema = z.enum([
  'planning',
  'awaiting_approval',
  'executing',
  'replanning',
  'paused',
  'awaiting_budget',
  'waiting_for_human',
  'completed',
  'failed',
  'cancelled',
]);

/** Milliseconds spent in each status so far. */
export const StatusMsSchema = z.partialRecord(RunStatusSchema, z.number().min(0));

/** The cost fields a usage entry gained; each optional. */
export const UsageCostFields = {
  cacheReadTokens: Count.optional(),
  cacheWriteTokens: Count.optional(),
  costUsd: Usd.optional(),
  unpricedCalls: Count.optional(),
  ms: z.number().min(0).optional(),
};

/** The fields a plan step gained; each optional. */
export const StepCostFields = {
  spend: CallTotalsSchema.optional(),
  inputHash: z.string().max(40).optional(),
  reusedFrom: z.string().optional(),
  redoes: z.string().optional(),
};
