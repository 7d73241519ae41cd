// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/**
 * Wires the message definitions to a run: every payload is parsed with its zod schema and checked against
 * the run's rules before anything changes. An Update that breaks a rule is rejected by its validator (the
 * caller gets the reason, the plan revision stays); a Signal that breaks one changes nothing and is
 * recorded as rejected in the event log.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import * as m from './messages';
import type { PlanAndExecuteRun } from './run';
import { describeZodError } from './schemas';

export function registerHandlers(run: PlanAndExecuteRun): void {
  setHandler(m.getStateQuery, () => run.state);
  setHandler(m.getPlanQuery, () => run.planView());

  control(run, m.editPlanUpdate, m.editPlanSignal, m.EditPlanSchema, {
    check: (p) => run.checkCanEdit(p.ops),
    apply: (p) => run.editPlan(p.ops, p.reason),
  });
  control(run, m.approveUpdate, m.approveSignal, m.ApproveSchema, {
    check: (p) => {
      run.checkAwaitingApproval();
      if (p.ops && p.ops.length > 0) run.checkCanEdit(p.ops);
    },
    apply: (p) => run.approve(p.ops, p.reason),
  });
  control(run, m.rejectUpdate, m.rejectSignal, m.RejectSchema, {
    check: () => run.checkAwaitingApproval(),
    apply: (p) => run.reject(p.reason),
  });
  control(run, m.pauseUpdate, m.pauseSignal, m.PauseSchema, {
    check: () => run.checkCanPause(),
    apply: (p) => run.pause(p.reason),
  });
  control(run, m.resumeUpdate, m.resumeSignal, m.ResumeSchema, {
    check: () => run.checkCanResume(),
    apply: () => run.resume(),
  });
  control(run, m.cancelUpdate, m.cancelSignal, m.CancelSchema, {
    check: () => run.checkCanCancel(),
    apply: (p) => run.cancel(p.reason),
  });
  control(run, m.adviseUpdate, m.adviseSignal, m.AdviseSchema, {
    check: () => run.checkNotEnded(),
    apply: (p) => run.advise(p.note),
  });
  control(run, m.answerUpdate, m.answerSignal, m.AnswerSchema, {
    check: (p) => run.checkCanAnswer(p.questionId),
    apply: (p) => run.answer(p.answer),
  });
}

function control<S extends z.ZodType>(
  run: PlanAndExecuteRun,
  update: UpdateDefinition<m.ControlAck, [z.input<S>]>,
  signal: SignalDefinition<[z.input<S>]>,
  schema: S,
  rules: { check: (payload: z.output<S>) => void; apply: (payload: z.output<S>) => m.ControlAck },
): void {
  const parse = (raw: unknown): z.output<S> => {
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) throw new Error(`invalid ${update.name} payload: ${describeZodError(parsed.error)}`);
    return parsed.data;
  };
  setHandler(
    update,
    (raw) => {
      try {
        return rules.apply(parse(raw));
      } catch (err) {
        // Thrown from a handler, a plain Error would fail the workflow task; fail only this update.
        throw ApplicationFailure.create({
          message: (err as Error).message,
          type: 'ControlRejected',
          nonRetryable: true,
        });
      }
    },
    { validator: (raw) => rules.check(parse(raw)) },
  );
  setHandler(signal, (raw) => {
    try {
      const payload = parse(raw);
      rules.check(payload);
      rules.apply(payload);
    } catch (err) {
      run.recordRejectedSignal(signal.name, (err as Error).message);
    }
  });
}
