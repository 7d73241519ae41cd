/**
 * zod schema of the plan-quality report (workflows/plan-report.ts) as the run's result carries it, for the
 * published wire contract; replies.ts checks that it and the workflow's type do not drift apart.
 */
import { z } from 'zod';
import { CallTotalsSchema, RunStatusSchema } from '../../../workflows/cost-schemas';

const Ratio = z.number().nullable();
const Ids = z.array(z.string());

export const PlanReportSchema = z
  .object({
    steps: z
      .object({
        planned: z.number().int(),
        ran: z.number().int().describe('executed (done or failed); reused steps not counted'),
        done: z.number().int(),
        failed: z.number().int(),
        skipped: z.number().int(),
        removed: z.number().int(),
        pending: z.number().int(),
        reused: z
          .number()
          .int()
          .describe('took the result of a done step with the same inputs: no call made'),
        repaid: z.number().int().describe('did finished work again with other inputs: paid twice'),
      })
      .strict(),
    replans: z
      .object({
        count: z.number().int(),
        revisions: z.array(
          z
            .object({
              version: z.number().int(),
              author: z.string(),
              reason: z.string(),
              added: Ids,
              changed: Ids,
              removed: Ids,
            })
            .strict(),
        ),
        revisionsOmitted: z.number().int(),
      })
      .strict(),
    parallelism: z
      .object({
        maxParallelSteps: z.number().int(),
        stepsTimed: z.number().int(),
        busyMs: z.number(),
        wallMs: z.number(),
        criticalPath: Ids,
        criticalPathMs: z.number(),
        achieved: Ratio.describe('busy / wall: steps running at once, on average'),
        possible: Ratio.describe('busy / critical path: what the dependencies allowed'),
        ofCriticalPath: Ratio.describe('critical path / wall: 1 = no slower than the dependencies forced'),
      })
      .strict(),
    total: CallTotalsSchema,
    byRole: z.array(
      CallTotalsSchema.extend({ role: z.enum(['planner', 'executor', 'replanner']), model: z.string() }),
    ),
    bySteps: z.array(
      z
        .object({
          id: z.string(),
          title: z.string(),
          status: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'removed']),
          ms: z.number().nullable(),
          spend: CallTotalsSchema,
          reusedFrom: z.string().optional(),
          redoes: z.string().optional(),
        })
        .strict(),
    ),
    retries: z
      .object({ retriedCalls: z.number().int(), extraAttempts: z.number().int(), reasks: CallTotalsSchema })
      .strict(),
    repaid: z
      .object({ costUsd: z.number().nullable(), unpricedCalls: z.number().int(), steps: Ids })
      .strict(),
    waiting: z
      .object({
        forPeopleMs: z.number(),
        byStatus: z.partialRecord(RunStatusSchema, z.number()),
      })
      .strict(),
    cache: z
      .object({
        inputTokens: z.number().int(),
        cacheReadTokens: z.number().int(),
        cacheWriteTokens: z.number().int(),
        readShare: Ratio,
      })
      .strict(),
    budget: z
      .object({
        limits: z
          .object({
            usd: z.number().optional(),
            tokens: z.number().optional(),
            minutes: z.number().optional(),
          })
          .strict(),
        stops: z.number().int(),
        extensions: z.number().int(),
      })
      .strict()
      .optional(),
    runMs: z.number(),
    ended: z.boolean(),
  })
  .strict();
