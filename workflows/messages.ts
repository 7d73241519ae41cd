/**
 * Every message the workflow answers, defined once with the zod schema of its payload. The client imports
 * these definitions; nothing is sent by string name. Each control is an Update (the caller learns at once
 * whether it was accepted, and why not) and also a Signal with the same name and payload, for clients that
 * can only signal (the Temporal Web UI, `temporal workflow signal`).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { LIMITS, StepDraftSchema, StepIdSchema } from './schemas';
import type { RunState, RunStatus, StepStatus } from './state';

export const WORKFLOW_TYPE = 'planAndExecute';

const NewStepSchema = StepDraftSchema.extend({
  dependsOn: z.array(StepIdSchema).max(LIMITS.dependsOnPerStep).default([]),
});

export const PlanEditOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), step: NewStepSchema, after: StepIdSchema.optional() }).strict(),
  z.object({ op: z.literal('remove'), id: StepIdSchema }).strict(),
  z
    .object({
      op: z.literal('update'),
      id: StepIdSchema,
      title: StepDraftSchema.shape.title.optional(),
      instructions: StepDraftSchema.shape.instructions.optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('setDependsOn'),
      id: StepIdSchema,
      dependsOn: z.array(StepIdSchema).max(LIMITS.dependsOnPerStep),
    })
    .strict(),
  z.object({ op: z.literal('reorder'), order: z.array(StepIdSchema).max(200) }).strict(),
  z
    .object({ op: z.literal('replaceRemaining'), steps: z.array(NewStepSchema).max(LIMITS.stepsPerPlan) })
    .strict(),
]);
export type PlanEditOp = z.output<typeof PlanEditOpSchema>;

const Reason = z.string().trim().min(1).max(2_000);

export const EditPlanSchema = z
  .object({ ops: z.array(PlanEditOpSchema).min(1).max(50), reason: Reason.optional() })
  .strict();
export const ApproveSchema = z
  .object({ ops: z.array(PlanEditOpSchema).max(50).optional(), reason: Reason.optional() })
  .strict();
export const RejectSchema = z.object({ reason: Reason }).strict();
export const PauseSchema = z.object({ reason: Reason.optional() }).strict();
export const ResumeSchema = z.object({}).strict();
export const CancelSchema = z.object({ reason: Reason.optional() }).strict();
export const AdviseSchema = z.object({ note: z.string().trim().min(1).max(4_000) }).strict();
export const AnswerSchema = z
  .object({ answer: z.string().trim().min(1).max(8_000), questionId: z.string().max(40).optional() })
  .strict();

export type EditPlanPayload = z.input<typeof EditPlanSchema>;
export type ApprovePayload = z.input<typeof ApproveSchema>;
export type RejectPayload = z.input<typeof RejectSchema>;
export type PausePayload = z.input<typeof PauseSchema>;
export type ResumePayload = z.input<typeof ResumeSchema>;
export type CancelPayload = z.input<typeof CancelSchema>;
export type AdvisePayload = z.input<typeof AdviseSchema>;
export type AnswerPayload = z.input<typeof AnswerSchema>;

/** What every control update returns once accepted. */
export interface ControlAck {
  /** The plan version and run status the command produced. */
  planVersion: number;
  status: RunStatus;
  message: string;
  /** What the command did differently from what was asked, e.g. a step placed after its dependency. */
  notes?: string[];
}

/** A compact view of the plan for terminals and dashboards. */
export interface PlanView {
  status: RunStatus;
  version: number;
  steps: { id: string; title: string; status: StepStatus; dependsOn: string[]; pinned: boolean }[];
  pendingQuestion?: { id: string; stepId: string; question: string };
}

export const getStateQuery = defineQuery<RunState>('getState');
export const getPlanQuery = defineQuery<PlanView>('getPlan');

export const editPlanUpdate = defineUpdate<ControlAck, [EditPlanPayload]>('editPlan');
export const approveUpdate = defineUpdate<ControlAck, [ApprovePayload]>('approve');
export const rejectUpdate = defineUpdate<ControlAck, [RejectPayload]>('reject');
export const pauseUpdate = defineUpdate<ControlAck, [PausePayload]>('pause');
export const resumeUpdate = defineUpdate<ControlAck, [ResumePayload]>('resume');
export const cancelUpdate = defineUpdate<ControlAck, [CancelPayload]>('cancel');
export const adviseUpdate = defineUpdate<ControlAck, [AdvisePayload]>('advise');
export const answerUpdate = defineUpdate<ControlAck, [AnswerPayload]>('answer');

export const editPlanSignal = defineSignal<[EditPlanPayload]>('editPlan');
export const approveSignal = defineSignal<[ApprovePayload]>('approve');
export const rejectSignal = defineSignal<[RejectPayload]>('reject');
export const pauseSignal = defineSignal<[PausePayload]>('pause');
export const resumeSignal = defineSignal<[ResumePayload]>('resume');
export const cancelSignal = defineSignal<[CancelPayload]>('cancel');
export const adviseSignal = defineSignal<[AdvisePayload]>('advise');
export const answerSignal = defineSignal<[AnswerPayload]>('answer');

/** The tool the executor uses to ask a person; the workflow answers it itself, no activity runs. */
export const ASK_HUMAN_TOOL = 'ask_human';
export const AskHumanInputSchema = z.object({ question: z.string().trim().min(1).max(2_000) }).strict();

/**
 * Extends a run's budget: adds to the limits it was started with (a run without a dollar budget gets no
 * dollars added). A run waiting in awaiting_budget goes on as soon as the new limits allow its next call.
 */
export const BudgetSchema = z
  .object({
    addUsd: z.number().positive().max(1_000_000).optional(),
    addTokens: z.number().int().positive().max(1_000_000_000).optional(),
    addMinutes: z
      .number()
      .positive()
      .max(LIMITS.maxWaitSeconds / 60)
      .optional(),
    reason: Reason.optional(),
  })
  .strict()
  .refine((p) => p.addUsd !== undefined || p.addTokens !== undefined || p.addMinutes !== undefined, {
    message: 'give at least one of addUsd, addTokens, addMinutes',
  });
export type BudgetPayload = z.input<typeof BudgetSchema>;
export const budgetUpdate = defineUpdate<ControlAck, [BudgetPayload]>('budget');
export const budgetSignal = defineSignal<[BudgetPayload]>('budget');
