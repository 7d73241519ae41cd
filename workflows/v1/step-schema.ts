// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/** Limits and the schema of one plan step: shared by the input, model-output and continuation schemas. */
import { z } from 'zod';

export const LIMITS = {
  goalChars: 8_000,
  contextChars: 32_000,
  stepTitleChars: 200,
  stepInstructionsChars: 4_000,
  stepsPerPlan: 50,
  dependsOnPerStep: 20,
  maxSteps: 1_000,
  maxReplans: 1_000,
  maxTurnsPerStep: 50,
  maxParallelSteps: 16,
  maxWaitSeconds: 90 * 24 * 3600,
} as const;

export const StepIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/,
    'must be 1-40 letters, digits, "_" or "-", starting alphanumeric',
  );

export const StepDraftSchema = z
  .object({
    id: StepIdSchema,
    title: z.string().trim().min(1).max(LIMITS.stepTitleChars),
    instructions: z.string().trim().min(1).max(LIMITS.stepInstructionsChars),
    dependsOn: z.array(StepIdSchema).max(LIMITS.dependsOnPerStep),
  })
  .strict();
export type StepDraft = z.output<typeof StepDraftSchema>;
