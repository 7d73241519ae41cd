/**
 * The wire contract as data: the workflow type, its input and result, and every message with its kind,
 * payload schema and reply schema. Built from the definitions and zod schemas the workflow itself uses,
 * so the published contract (docs/contract/) cannot say anything the code does not do.
 */
import type { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../../config';
import * as m from '../../../workflows/messages';
import { RunInputSchema } from '../../../workflows/schemas';
import { RUN_WORKFLOW_TASK_TIMEOUT } from '../../../workflows/timeouts';
import { ControlAckSchema, PlanViewSchema, RunResultSchema, RunStateSchema } from './replies';

export interface SchemaDoc {
  file: string;
  title: string;
  description: string;
  schema: z.ZodType;
  /** input: what a sender may send (defaults optional); output: what the run sends back. */
  io: 'input' | 'output';
}

export interface MessageDoc {
  name: string;
  kinds: ('update' | 'signal' | 'query')[];
  payload?: SchemaDoc;
  reply: SchemaDoc;
  effect: string;
}

const schemaDoc = (
  file: string,
  title: string,
  description: string,
  schema: z.ZodType,
  io: 'input' | 'output',
): SchemaDoc => ({ file, title, description, schema, io });

/** What callers send: `continuation` is the workflow's own (set when it continues as new), never a caller's. */
export const RUN_INPUT = schemaDoc(
  'run-input.schema.json',
  'planAndExecute input',
  'The single argument of the planAndExecute workflow. Only goal is required; every option has a default.',
  RunInputSchema.omit({ continuation: true }),
  'input',
);

export const RUN_RESULT = schemaDoc(
  'run-result.schema.json',
  'planAndExecute result',
  "What the workflow returns when it completes. A cancelled run ends in Temporal's Canceled status and a failed one in Failed; neither has a result: read the final state with the getState query.",
  RunResultSchema,
  'output',
);

const ACK = schemaDoc(
  'control-ack.schema.json',
  'Control acknowledgement',
  'What every control update returns once accepted: the plan version and run status the command produced.',
  ControlAckSchema,
  'output',
);

const control = (
  update: { name: string },
  signal: { name: string },
  file: string,
  schema: z.ZodType,
  effect: string,
): MessageDoc => {
  if (update.name !== signal.name) throw new Error(`update ${update.name} and signal ${signal.name} differ`);
  return {
    name: update.name,
    kinds: ['update', 'signal'],
    payload: schemaDoc(
      file,
      `${update.name} payload`,
      `The single argument of ${update.name}.`,
      schema,
      'input',
    ),
    reply: ACK,
    effect,
  };
};

export const MESSAGES: MessageDoc[] = [
  control(
    m.approveUpdate,
    m.approveSignal,
    'approve.schema.json',
    m.ApproveSchema,
    'Approves a plan waiting in awaiting_approval, applying the edits (ops) first.',
  ),
  control(
    m.rejectUpdate,
    m.rejectSignal,
    'reject.schema.json',
    m.RejectSchema,
    'Rejects a plan waiting in awaiting_approval: the run ends with endReason "rejected".',
  ),
  control(
    m.editPlanUpdate,
    m.editPlanSignal,
    'edit-plan.schema.json',
    m.EditPlanSchema,
    'Edits the plan (pending steps only); people\'s edits are pinned against the re-planner. Removed steps stay in the plan with status "removed".',
  ),
  control(
    m.pauseUpdate,
    m.pauseSignal,
    'pause.schema.json',
    m.PauseSchema,
    'No new model or tool call starts until resume; the call in flight finishes.',
  ),
  control(m.resumeUpdate, m.resumeSignal, 'resume.schema.json', m.ResumeSchema, 'Resumes a paused run.'),
  control(
    m.cancelUpdate,
    m.cancelSignal,
    'cancel.schema.json',
    m.CancelSchema,
    'Cancels the run: nothing new starts, and the run asks Temporal to cancel it, so it closes in the Canceled status (the ack says "cancelling"); the final state says who cancelled and what was done.',
  ),
  control(
    m.adviseUpdate,
    m.adviseSignal,
    'advise.schema.json',
    m.AdviseSchema,
    'A note the executor and re-planner see from then on.',
  ),
  control(
    m.answerUpdate,
    m.answerSignal,
    'answer.schema.json',
    m.AnswerSchema,
    "Answers the executor's pending ask_human question (the oldest one, or questionId).",
  ),
  control(
    m.budgetUpdate,
    m.budgetSignal,
    'budget.schema.json',
    m.BudgetSchema,
    'Adds to the budget limits the run was started with (dollars, tokens, minutes); a run waiting in awaiting_budget goes on as soon as the new limits allow its next call.',
  ),
  {
    name: m.getStateQuery.name,
    kinds: ['query'],
    reply: schemaDoc(
      'run-state.schema.json',
      'getState reply',
      'Everything about the run: status, plan with revisions and authors, pins, questions, event log, advice, usage. Answers on ended runs too.',
      RunStateSchema,
      'output',
    ),
    effect: 'Reads the whole state.',
  },
  {
    name: m.getPlanQuery.name,
    kinds: ['query'],
    reply: schemaDoc(
      'plan-view.schema.json',
      'getPlan reply',
      'A compact view of the plan.',
      PlanViewSchema,
      'output',
    ),
    effect: 'Reads the plan, compactly.',
  },
];

/** The machine-readable index (contract.json). */
export function contractIndex(): unknown {
  return {
    workflowType: m.WORKFLOW_TYPE,
    taskQueue: { default: DEFAULT_TASK_QUEUE, env: 'TASK_QUEUE' },
    startOptions: { workflowTaskTimeout: RUN_WORKFLOW_TASK_TIMEOUT },
    input: RUN_INPUT.file,
    result: RUN_RESULT.file,
    messages: MESSAGES.map((msg) => ({
      name: msg.name,
      kinds: msg.kinds,
      ...(msg.payload ? { payload: msg.payload.file } : { payload: null }),
      reply: msg.reply.file,
      ...(msg.kinds.includes('signal') ? { signal: 'same name and payload as the update; no reply' } : {}),
      effect: msg.effect,
    })),
    rejections: {
      update:
        'An update that breaks a rule fails with an application failure whose message names the rule and the step; the run is unchanged.',
      signal:
        'A signal that breaks a rule changes nothing and is logged in the state as a signal_rejected event.',
    },
  };
}
