import { applyPlanEdits, PlanEditError } from '../workflows/plan-edits';
import { createPlan, updateStep } from '../workflows/plan';
import { protectHumanEdits } from '../workflows/pinning';
import type { PlanEditOp } from '../workflows/messages';
import type { StepDraft } from '../workflows/schemas';

const draft = (id: string, dependsOn: string[] = []): StepDraft => ({
  id,
  title: `T ${id}`,
  instructions: `do ${id}`,
  dependsOn,
});
const basePlan = () => {
  const plan = createPlan([draft('a'), draft('b', ['a']), draft('c', ['b'])], 'planner', 'init', 't0');
  return updateStep(plan, 'a', { status: 'done', result: 'A' });
};
const edit = (ops: PlanEditOp[]) => applyPlanEdits(basePlan(), ops, 'why', 't1');
const rejects = (ops: PlanEditOp[], message: string) => {
  expect(() => edit(ops)).toThrow(PlanEditError);
  expect(() => edit(ops)).toThrow(message);
};

describe('plan edits', () => {
  it('adds after a step, changes, re-points and removes, recording a human revision', () => {
    const out = edit([
      { op: 'add', step: draft('x', ['a']), after: 'b' },
      { op: 'update', id: 'b', instructions: 'do b carefully' },
      { op: 'setDependsOn', id: 'c', dependsOn: ['x'] },
    ]);
    expect(out.plan.steps.map((s) => s.id)).toEqual(['a', 'b', 'x', 'c']);
    expect(out.plan.steps[1]?.instructions).toBe('do b carefully');
    expect(out.plan.revisions.at(-1)).toEqual({
      version: 2,
      author: 'human',
      reason: 'why',
      at: 't1',
      added: ['x'],
      changed: ['b', 'c'],
      removed: [],
    });
    expect(out.touched).toEqual(['x', 'b', 'c']);
    const removed = applyPlanEdits(
      out.plan,
      [
        { op: 'setDependsOn', id: 'c', dependsOn: ['b'] },
        { op: 'remove', id: 'x' },
      ],
      'r',
      't2',
    );
    // A removed step stays in the plan, marked removed with who did it and why.
    expect(removed.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['b', 'pending'],
      ['x', 'removed'],
      ['c', 'pending'],
    ]);
    expect(removed.plan.steps[2]?.result).toBe('Removed by a person in plan v3: r');
    expect(removed.removed).toEqual(['x']);
  });

  it('reorders pending steps and replaces the remaining plan', () => {
    const reordered = edit([
      { op: 'setDependsOn', id: 'c', dependsOn: ['a'] },
      { op: 'reorder', order: ['c', 'b'] },
    ]);
    expect(reordered.plan.steps.map((s) => s.id)).toEqual(['a', 'c', 'b']);
    const replaced = edit([{ op: 'replaceRemaining', steps: [draft('b', ['a']), draft('z', ['b'])] }]);
    expect(replaced.plan.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['c', 'removed'],
      ['b', 'pending'],
      ['z', 'pending'],
    ]);
    expect(replaced.removed).toEqual(['c']);
    expect(replaced.touched).toEqual(['z']);
  });

  it('names the rule and the step when an edit breaks one', () => {
    rejects([{ op: 'update', id: 'a', title: 'new' }], 'cannot change step "a": it is done');
    rejects([{ op: 'remove', id: 'a' }], 'cannot remove step "a": it is done');
    rejects([{ op: 'remove', id: 'nope' }], 'unknown step id "nope"');
    rejects([{ op: 'remove', id: 'b' }], 'pending step(s) "c" depend on it');
    rejects([{ op: 'add', step: draft('b') }], 'duplicate step id "b"');
    rejects([{ op: 'add', step: draft('y', ['ghost']) }], 'step "y" depends on unknown step "ghost"');
    rejects([{ op: 'setDependsOn', id: 'b', dependsOn: ['c'] }], 'dependency cycle: b -> c -> b');
    rejects([{ op: 'reorder', order: ['b'] }], 'reorder must list every pending step exactly once: b, c');
    rejects([{ op: 'replaceRemaining', steps: [draft('a')] }], 'step id "a" is already used by a done step');
    rejects([{ op: 'update', id: 'b' }], 'changes nothing');
  });
});

describe('pinned human edits', () => {
  it('keeps steps a person added or changed, and keeps removed steps out', () => {
    const edited = edit([
      { op: 'add', step: draft('x', ['a']) },
      { op: 'update', id: 'b', instructions: 'as the person wants' },
      { op: 'setDependsOn', id: 'c', dependsOn: ['a'] },
      { op: 'remove', id: 'c' },
    ]);
    // The re-planner knows nothing of the edits: it drops x, rewrites b and brings c back.
    const proposal = [draft('b', ['a']), draft('c', ['b'])];
    const { steps, notes } = protectHumanEdits(edited.plan, proposal, edited.touched, edited.removed);
    expect(steps.map((s) => s.id)).toEqual(['b', 'x']);
    expect(steps[0]?.instructions).toBe('as the person wants');
    expect(notes).toEqual([
      're-planner brought back step "c", which a person removed; left out',
      're-planner rewrote step "b", which a person added or changed; kept as the person wrote it',
      're-planner dropped step "x", which a person added or changed; kept',
    ]);
  });
});
