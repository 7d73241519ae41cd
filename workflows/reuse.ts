/**
 * No call paid twice without reason. Done steps never run again in this engine (a re-plan or an edit that
 * wants the work again adds a step with a new id); so when a step is about to run, and a done step had the
 * same inputs (title and instructions, its dependencies' results, its tools), the new step takes that
 * result and no executor call is made. A step whose inputs differ runs; if a finished step with the same
 * title exists, it is marked as re-doing that work, and the report shows what was paid again.
 */
import type { RunCore } from './run-core';
import { now, truncate } from './run-core';
import type { PlanStep } from './state';

export interface StepInputs {
  title: string;
  instructions: string;
  dependencies: { id: string; result: string }[];
  /** The tools the executor is offered for the step, when the run has a tool catalogue. */
  tools?: readonly string[];
}

/**
 * Before a step runs: take the result of a done step with the same inputs (true: nothing more to do), or
 * note which finished step this one re-does. Records the step's input fingerprint either way.
 */
export function reuseFinished(
  core: RunCore,
  step: PlanStep,
  dependencies: { id: string; result: string }[],
  tools: readonly string[] | undefined,
): boolean {
  const inputHash = fingerprint({
    title: step.title,
    instructions: step.instructions,
    dependencies: dependencies.map((d) => ({ id: d.id, result: d.result })),
    ...(tools ? { tools: [...tools].sort() } : {}),
  });
  step.inputHash = inputHash;
  let sameTitle: PlanStep | undefined;
  const title = normalTitle(step.title);
  for (const other of core.state.plan.steps) {
    if (other.id === step.id) continue;
    if (other.status === 'done' && other.inputHash === inputHash) {
      core.patchStep(step.id, {
        status: 'done',
        result: other.result ?? '',
        endedAt: now(),
      });
      step.reusedFrom = other.id;
      const spend = core.state.spend;
      if (spend) spend.reusedSteps += 1;
      core.event(
        'step_reused',
        `Step ${step.id} has the same inputs as done step ${other.id}: took its result, no call made (${truncate(other.result ?? '', 160)})`,
        step.id,
      );
      return true;
    }
    if (
      !sameTitle &&
      (other.status === 'done' || other.status === 'failed') &&
      normalTitle(other.title) === title
    ) {
      sameTitle = other;
    }
  }
  if (sameTitle) {
    step.redoes = sameTitle.id;
    core.event(
      'step_redone',
      `Step ${step.id} does the work of ${sameTitle.status} step ${sameTitle.id} again, with other inputs: its calls are paid again.`,
      step.id,
    );
  }
  core.touch();
  return false;
}

function normalTitle(title: string): string {
  return title.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** A stable fingerprint of a step's inputs (53-bit, two independent 32-bit FNV-1a lanes), as hex. */
export function fingerprint(inputs: StepInputs): string {
  const text = JSON.stringify([inputs.title, inputs.instructions, inputs.dependencies, inputs.tools ?? null]);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const high = (b >>> 0) & 0x1fffff;
  return `${high.toString(16).padStart(6, '0')}${(a >>> 0).toString(16).padStart(8, '0')}`;
}
