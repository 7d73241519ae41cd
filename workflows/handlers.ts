/**
 * Wires the message definitions to a run: every payload is parsed with its zod schema and checked against
 * the run's rules before anything changes. An Update that breaks a rule is rejected by its validator (the
 * caller gets the reason, the plan revision stays); a Signal that breaks one changes nothing and is
 * recorded as rejected in the event log.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Budget } from './budget';
import type { Controls } from './controls';
import * as m from './messages';
import type { RunCore } from './run-core';
import { describeZodError } from './schemas';
import { planView } from './views';

export function registerHandlers(core: RunCore, controls: Controls, budget?: Budget): void {
  setHandler(m.getStateQuery, () => core.state);
  setHandler(m.getPlanQuery, () => planView(core.state));

  control(controls, m.editPlanUpdate, m.editPlanSignal, m.EditPlanSchema, {
    check: (p) => controls.checkCanEdit(p.ops),
    apply: (p) => controls.editPlan(p.ops, p.reason),
  });
  control(controls, m.approveUpdate, m.approveSignal, m.ApproveSchema, {
    check: (p) => {
      controls.checkAwaitingApproval();
      if (p.ops && p.ops.length > 0) controls.checkCanEdit(p.ops);
    },
    apply: (p) => controls.approve(p.ops, p.reason),
  });
  control(controls, m.rejectUpdate, m.rejectSignal, m.RejectSchema, {
    check: () => controls.checkAwaitingApproval(),
    apply: (p) => controls.reject(p.reason),
  });
  control(controls, m.pauseUpdate, m.pauseSignal, m.PauseSchema, {
    check: () => controls.checkCanPause(),
    apply: (p) => controls.pause(p.reason),
  });
  control(controls, m.resumeUpdate, m.resumeSignal, m.ResumeSchema, {
    check: () => controls.checkCanResume(),
    apply: () => controls.resume(),
  });
  control(controls, m.cancelUpdate, m.cancelSignal, m.CancelSchema, {
    check: () => controls.checkCanCancel(),
    apply: (p) => controls.cancel(p.reason),
  });
  control(controls, m.adviseUpdate, m.adviseSignal, m.AdviseSchema, {
    check: (p) => controls.checkCanAdvise(p.note),

    apply: (p) => controls.advise(p.note),
  });
  control(controls, m.answerUpdate, m.answerSignal, m.AnswerSchema, {
    check: (p) => controls.checkCanAnswer(p.questionId),
    apply: (p) => controls.answer(p.answer, p.questionId),
  });
  if (budget) {
    control(controls, m.budgetUpdate, m.budgetSignal, m.BudgetSchema, {
      check: (p) => budget.checkExtend(p),
      apply: (p) => budget.extend(p),
    });
  }
}

/** Wire one control: an Update with a validator and a Signal, both parsing the payload and checking the rules. */
export function control<S extends z.ZodType>(
  controls: Pick<Controls, 'recordRejectedSignal'>,
  update: UpdateDefinition<m.ControlAck, [z.input<S>]>,
  signal: SignalDefinition<[z.input<S>]>,
  schema: S,
  rules: { check: (payload: z.output<S>) => void; apply: (payload: z.output<S>) => m.ControlAck },
): void {
  const parse = (raw: unknown): z.output<S> => {
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) {
      // Names an unknown key with the closest known one: a typo like "reasn" is refused, never dropped.
      const problems = describeZodError(parsed.error, { schema, input: raw ?? {} });
      throw new Error(`invalid ${update.name} payload: ${problems}`);
    }

    return parsed.data;
  };
  setHandler(
    update,
    (raw) => {
      try {
        const payload = parse(raw);
        // Re-checked: another message may have changed the run since the validator ran.
        rules.check(payload);
        return rules.apply(payload);
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
      controls.recordRejectedSignal(signal.name, (err as Error).message);
    }
  });
}
