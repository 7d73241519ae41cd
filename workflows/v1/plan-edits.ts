// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/**
 * Edits a person makes to a plan: pure functions that either return the edited plan or throw a
 * PlanEditError naming the rule and the step. Used by update validators (reject before anything changes)
 * and by the handlers that apply the edit.
 */
import type { PlanEditOp } from './messages';
import { findCycle, sameDraft, toStep } from './plan';
import { LIMITS } from './schemas';
import type { Plan, PlanStep } from './state';

export class PlanEditError extends Error {
  override readonly name = 'PlanEditError';
}

export interface EditOutcome {
  plan: Plan;
  /** Steps a person added or changed: the re-planner must keep them. */
  touched: string[];
  /** Steps a person removed: the re-planner may not bring them back. */
  removed: string[];
}

export function applyPlanEdits(plan: Plan, ops: PlanEditOp[], reason: string, at: string): EditOutcome {
  let steps = plan.steps.map((s) => ({ ...s, dependsOn: [...s.dependsOn] }));
  const version = plan.version + 1;
  const added: string[] = [];
  const changed = new Set<string>();
  const removed: string[] = [];

  const find = (id: string, opIndex: number): PlanStep => {
    const step = steps.find((s) => s.id === id);
    if (!step) throw new PlanEditError(`edit ${opIndex + 1}: unknown step id "${id}"`);
    return step;
  };
  const editable = (id: string, opIndex: number, action: string): PlanStep => {
    const step = find(id, opIndex);
    if (step.status !== 'pending') {
      throw new PlanEditError(
        `edit ${opIndex + 1}: cannot ${action} step "${id}": it is ${step.status}; only pending steps can change`,
      );
    }
    return step;
  };

  ops.forEach((op, i) => {
    switch (op.op) {
      case 'add': {
        if (steps.some((s) => s.id === op.step.id))
          throw new PlanEditError(`edit ${i + 1}: duplicate step id "${op.step.id}"`);
        const step = toStep(op.step, version);
        if (op.after === undefined) steps.push(step);
        else {
          find(op.after, i);
          steps.splice(steps.findIndex((s) => s.id === op.after) + 1, 0, step);
        }
        added.push(step.id);
        break;
      }
      case 'remove': {
        editable(op.id, i, 'remove');
        const dependents = steps.filter(
          (s) => s.status === 'pending' && s.dependsOn.includes(op.id) && s.id !== op.id,
        );
        if (dependents.length > 0) {
          throw new PlanEditError(
            `edit ${i + 1}: cannot remove step "${op.id}": pending step(s) ${dependents.map((d) => `"${d.id}"`).join(', ')} depend on it; change their dependsOn first`,
          );
        }
        steps = steps.filter((s) => s.id !== op.id);
        removed.push(op.id);
        break;
      }
      case 'update': {
        const step = editable(op.id, i, 'change');
        if (op.title === undefined && op.instructions === undefined) {
          throw new PlanEditError(
            `edit ${i + 1}: update of step "${op.id}" changes nothing; give title or instructions`,
          );
        }
        if (op.title !== undefined) step.title = op.title;
        if (op.instructions !== undefined) step.instructions = op.instructions;
        step.revision = version;
        changed.add(op.id);
        break;
      }
      case 'setDependsOn': {
        const step = editable(op.id, i, 'change the dependencies of');
        step.dependsOn = [...op.dependsOn];
        step.revision = version;
        changed.add(op.id);
        break;
      }
      case 'reorder': {
        const pendingIds = steps.filter((s) => s.status === 'pending').map((s) => s.id);
        const given = new Set(op.order);
        if (
          given.size !== op.order.length ||
          given.size !== pendingIds.length ||
          !pendingIds.every((id) => given.has(id))
        ) {
          throw new PlanEditError(
            `edit ${i + 1}: reorder must list every pending step exactly once: ${pendingIds.join(', ') || '(none)'}`,
          );
        }
        const byId = new Map(steps.map((s) => [s.id, s]));
        steps = [
          ...steps.filter((s) => s.status !== 'pending'),
          ...op.order.map((id) => byId.get(id) as PlanStep),
        ];
        break;
      }
      case 'replaceRemaining': {
        const pending = steps.filter((s) => s.status === 'pending');
        const kept = steps.filter((s) => s.status !== 'pending');
        for (const draft of op.steps) {
          if (kept.some((s) => s.id === draft.id)) {
            throw new PlanEditError(
              `edit ${i + 1}: step id "${draft.id}" is already used by a ${kept.find((s) => s.id === draft.id)?.status} step`,
            );
          }
        }
        const newIds = new Set(op.steps.map((d) => d.id));
        for (const old of pending) if (!newIds.has(old.id)) removed.push(old.id);
        for (const draft of op.steps) {
          const old = pending.find((s) => s.id === draft.id);
          if (!old) added.push(draft.id);
          else if (!sameDraft(old, draft)) changed.add(draft.id);
        }
        steps = [...kept, ...op.steps.map((d) => toStep(d, version))];
        break;
      }
    }
  });

  checkPlan(steps);
  const touched = [...new Set([...added, ...changed])].filter((id) => steps.some((s) => s.id === id));
  return {
    plan: {
      version,
      steps,
      revisions: [
        ...plan.revisions,
        {
          version,
          author: 'human',
          reason,
          at,
          added,
          changed: [...changed].filter((id) => !added.includes(id)),
          removed,
        },
      ],
    },
    touched,
    removed,
  };
}

/** Rules every plan must keep after an edit: unique ids, known and usable dependencies, no cycles, bounded size. */
function checkPlan(steps: PlanStep[]): void {
  if (steps.filter((s) => s.status === 'pending').length > LIMITS.stepsPerPlan) {
    throw new PlanEditError(`the plan would have more than ${LIMITS.stepsPerPlan} pending steps`);
  }
  const seen = new Set<string>();
  for (const s of steps) {
    if (seen.has(s.id)) throw new PlanEditError(`duplicate step id "${s.id}"`);
    seen.add(s.id);
  }
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const s of steps) {
    if (s.status !== 'pending') continue;
    for (const dep of s.dependsOn) {
      const target = byId.get(dep);
      if (dep === s.id) throw new PlanEditError(`step "${s.id}" depends on itself`);
      if (!target) throw new PlanEditError(`step "${s.id}" depends on unknown step "${dep}"`);
      if (target.status === 'failed' || target.status === 'skipped') {
        throw new PlanEditError(
          `step "${s.id}" depends on "${dep}", which is ${target.status} and will never be done`,
        );
      }
    }
  }
  const cycle = findCycle(steps.filter((s) => s.status === 'pending'));
  if (cycle) throw new PlanEditError(`dependency cycle: ${cycle.join(' -> ')}`);
}
