// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/**
 * zod schemas for everything that crosses the workflow boundary: the run input, and the structured
 * outputs the planner and re-planner must produce. Shared by the workflow, the activities and the client.
 */
import { z } from 'zod';
import { ContinuationSchema } from './continuation';
import { LIMITS, StepDraftSchema } from './step-schema';

export { LIMITS, StepDraftSchema, StepIdSchema, type StepDraft } from './step-schema';

export const DEFAULT_PLANNER_MODEL = 'anthropic:claude-sonnet-4-6';
export const DEFAULT_EXECUTOR_MODEL = 'anthropic:claude-haiku-4-5';
export const DEFAULT_REPLANNER_MODEL = DEFAULT_PLANNER_MODEL;

export const PROVIDERS = ['anthropic', 'openai'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const ModelSpecSchema = z
  .string()
  .regex(
    /^(anthropic|openai):\S+$/,
    'must be "provider:model" with provider anthropic or openai, e.g. "anthropic:claude-sonnet-4-6" or "openai:gpt-4o-mini"',
  );

export const RunOptionsSchema = z
  .object({
    plannerModel: ModelSpecSchema.default(DEFAULT_PLANNER_MODEL),
    executorModel: ModelSpecSchema.default(DEFAULT_EXECUTOR_MODEL),
    replannerModel: ModelSpecSchema.default(DEFAULT_REPLANNER_MODEL),
    maxSteps: z.number().int().min(1).max(LIMITS.maxSteps).default(20),
    maxReplans: z.number().int().min(0).max(LIMITS.maxReplans).default(20),
    maxTurnsPerStep: z.number().int().min(1).max(LIMITS.maxTurnsPerStep).default(8),
    maxParallelSteps: z.number().int().min(1).max(LIMITS.maxParallelSteps).default(1),
    /** Stop after planning until a person approves or rejects the plan. */
    requireApproval: z.boolean().default(false),
    /** How long to wait for approval; unset waits for as long as it takes. */
    approvalTimeoutSeconds: z.number().int().min(1).max(LIMITS.maxWaitSeconds).optional(),
    /** What an approval timeout does: end the run as rejected, or go on as if approved. */
    onApprovalTimeout: z.enum(['reject', 'approve']).default('reject'),
    /** How long an ask_human question waits for an answer; unset waits for as long as it takes. */
    questionTimeoutSeconds: z.number().int().min(1).max(LIMITS.maxWaitSeconds).optional(),
    /** When a model call fails for good (rejected, or out of retries): fail the run, or pause it for a person. */
    onModelFailure: z.enum(['fail', 'pause']).default('fail'),
    /**
     * Continue as new after this many steps in one run, besides whenever Temporal suggests it (history
     * near 4,096 events or 4 MB). Unset: only when Temporal suggests it.
     */
    continueAsNewAfterSteps: z.number().int().min(1).max(LIMITS.maxSteps).optional(),
  })
  .strict();

export const RunInputSchema = z
  .object({
    goal: z.string().trim().min(1, 'must not be empty').max(LIMITS.goalChars),
    context: z.string().max(LIMITS.contextChars).optional(),
    options: RunOptionsSchema.prefault({}),
    /** Set by the workflow itself when it continues as new; never by callers. */
    continuation: ContinuationSchema.optional(),
  })
  .strict();

/** What a caller may send: every option optional. */
export type RunInput = z.input<typeof RunInputSchema>;
/** What the workflow works with: defaults filled in. */
export type ResolvedRunInput = z.output<typeof RunInputSchema>;
export type RunOptions = z.output<typeof RunOptionsSchema>;

export const PlannerOutputSchema = z
  .object({
    steps: z.array(StepDraftSchema).min(1).max(LIMITS.stepsPerPlan),
  })
  .strict();
export type PlannerOutput = z.output<typeof PlannerOutputSchema>;

export const ReplannerOutputSchema = z
  .object({
    action: z.enum(['continue', 'finish']),
    reason: z.string().trim().min(1).max(2_000),
    answer: z.string().max(32_000),
    remainingSteps: z.array(StepDraftSchema).max(LIMITS.stepsPerPlan),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.action === 'finish' && value.answer.trim() === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['answer'],
        message: 'must not be empty when action is "finish"',
      });
    }
    if (value.action === 'continue' && value.remainingSteps.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['remainingSteps'],
        message: 'must hold at least one step when action is "continue"',
      });
    }
  });
export type ReplannerOutput = z.output<typeof ReplannerOutputSchema>;

/** One line per problem, each naming the field: `options.maxSteps: Too big: expected number to be <=1000`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
