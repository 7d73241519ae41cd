import { applyPlanEdits, PlanEditError } from '../workflows/plan-edits';
import { createPlan, updateStep } from '../workflows/plan';
import { protectHumanEdits } from '../workflows/pinning';
import type { PlanEditOp } from '../workflows/messages';
import { LIMITS, type StepDraft } from '../workflows/schemas';

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

describe('plan edit rules, message by message', () => {
  /** a done, f failed, s skipped (depends on b), b and c pending. */
  const mixedPlan = () => {
    let plan = createPlan(
      [draft('a'), draft('f'), draft('s', ['b']), draft('b', ['a']), draft('c', ['b'])],
      'planner',
      'init',
      't0',
    );
    plan = updateStep(plan, 'a', { status: 'done' });
    plan = updateStep(plan, 'f', { status: 'failed' });
    return updateStep(plan, 's', { status: 'skipped' });
  };
  const editMixed = (ops: PlanEditOp[]) => applyPlanEdits(mixedPlan(), ops, 'why', 't1');
  const refused = (ops: PlanEditOp[], message: string) => {
    let caught: unknown;
    try {
      editMixed(ops);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PlanEditError);
    expect((caught as Error).name).toBe('PlanEditError');
    expect((caught as Error).message).toBe(message);
  };
  const ok: PlanEditOp = { op: 'update', id: 'c', title: 'fine' };

  it('numbers the edit that broke a rule', () => {
    refused([ok, { op: 'remove', id: 'ghost' }], 'edit 2: unknown step id "ghost"');
    refused(
      [ok, { op: 'update', id: 'a', title: 'x' }],
      'edit 2: cannot change step "a": it is done; only pending steps can change',
    );
    refused([ok, { op: 'add', step: draft('b') }], 'edit 2: duplicate step id "b"');
    refused([ok, { op: 'add', step: draft('s') }], 'edit 2: duplicate step id "s"');
    refused(
      [ok, { op: 'remove', id: 'b' }],
      'edit 2: cannot remove step "b": pending step(s) "c" depend on it; change their dependsOn first',
    );
    refused(
      [ok, { op: 'update', id: 'b' }],
      'edit 2: update of step "b" changes nothing; give title or instructions',
    );
    refused(
      [ok, { op: 'setDependsOn', id: 'a', dependsOn: [] }],
      'edit 2: cannot change the dependencies of step "a": it is done; only pending steps can change',
    );
    refused(
      [ok, { op: 'reorder', order: ['b'] }],
      'edit 2: reorder must list every pending step exactly once: b, c',
    );
    refused(
      [ok, { op: 'replaceRemaining', steps: [draft('f')] }],
      'edit 2: step id "f" is already used by a failed step',
    );
  });

  it('names every pending step that depends on a step being removed', () => {
    refused(
      [
        { op: 'add', step: draft('d', ['b']) },
        { op: 'remove', id: 'b' },
      ],
      'edit 2: cannot remove step "b": pending step(s) "c", "d" depend on it; change their dependsOn first',
    );
  });

  it('lets a person remove a step only a skipped step depended on', () => {
    const out = editMixed([
      { op: 'setDependsOn', id: 'c', dependsOn: ['a'] },
      { op: 'remove', id: 'b' },
    ]);
    // A removed step stays in the plan, marked removed, so everyone can see what was taken out.
    expect(out.plan.steps.filter((s) => s.status !== 'removed').map((s) => s.id)).toEqual([
      'a',
      'f',
      's',
      'c',
    ]);
    expect(out.plan.steps.find((s) => s.id === 'b')?.status).toBe('removed');
    expect(out.removed).toEqual(['b']);
  });

  it('changes a title alone, or instructions alone', () => {
    const out = editMixed([
      { op: 'update', id: 'b', title: 'New title' },
      { op: 'update', id: 'c', instructions: 'New instructions' },
    ]);
    expect(out.plan.steps.find((s) => s.id === 'b')).toMatchObject({
      title: 'New title',
      instructions: 'do b',
      revision: 2,
    });
    expect(out.plan.steps.find((s) => s.id === 'c')).toMatchObject({
      title: 'T c',
      instructions: 'New instructions',
    });
  });

  it('refuses a reorder that repeats, leaves out or invents a step', () => {
    const rule = 'edit 1: reorder must list every pending step exactly once: b, c';
    refused([{ op: 'reorder', order: ['b', 'b', 'c'] }], rule);
    refused([{ op: 'reorder', order: ['c', 'b', 'x'] }], rule);
    refused([{ op: 'reorder', order: ['b', 'x'] }], rule);
    const none = applyPlanEdits(
      updateStep(createPlan([draft('a')], 'planner', 'init', 't0'), 'a', { status: 'done' }),
      [{ op: 'reorder', order: [] }],
      'why',
      't1',
    );
    expect(none.plan.steps.map((s) => s.id)).toEqual(['a']);
    expect(() => applyPlanEdits(none.plan, [{ op: 'reorder', order: ['x'] }], 'why', 't2')).toThrow(
      'edit 1: reorder must list every pending step exactly once: (none)',
    );
  });

  it('records what a replacement of the remaining plan added, changed and removed', () => {
    const out = editMixed([
      {
        op: 'replaceRemaining',
        steps: [
          draft('c', ['a']),
          { ...draft('b', ['a']), instructions: 'do b differently' },
          draft('z', ['c']),
        ],
      },
    ]);
    expect(out.plan.revisions.at(-1)).toMatchObject({ added: ['z'], changed: ['c', 'b'], removed: [] });
    expect(out.touched).toEqual(['z', 'c', 'b']);
    const same = editMixed([{ op: 'replaceRemaining', steps: [draft('b', ['a']), draft('c', ['b'])] }]);
    expect(same.plan.revisions.at(-1)).toMatchObject({ added: [], changed: [], removed: [] });
    expect(same.touched).toEqual([]);
  });

  it('refuses a replacement that repeats a step id', () => {
    refused([{ op: 'replaceRemaining', steps: [draft('z'), draft('z')] }], 'duplicate step id "z"');
  });

  it('does not pin or report as changed a step added and then changed or removed in the same edit', () => {
    const changed = editMixed([
      { op: 'add', step: draft('x', ['a']) },
      { op: 'update', id: 'x', title: 'Renamed' },
    ]);
    expect(changed.plan.revisions.at(-1)).toMatchObject({ added: ['x'], changed: [] });
    expect(changed.touched).toEqual(['x']);
    const gone = editMixed([
      { op: 'add', step: draft('x', ['a']) },
      { op: 'remove', id: 'x' },
    ]);
    expect(gone.touched).toEqual([]);
    expect(gone.removed).toEqual(['x']);
  });

  it('bounds the pending steps of a plan, counting only pending ones', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => draft(`p${i}`, ['a']));
    const full = editMixed([{ op: 'replaceRemaining', steps: many(LIMITS.stepsPerPlan) }]);
    expect(full.plan.steps.filter((s) => s.status === 'pending')).toHaveLength(LIMITS.stepsPerPlan);
    refused(
      [{ op: 'replaceRemaining', steps: many(LIMITS.stepsPerPlan + 1) }],
      `the plan would have more than ${LIMITS.stepsPerPlan} pending steps`,
    );
  });

  it('refuses dependencies that can never be met', () => {
    refused([{ op: 'setDependsOn', id: 'c', dependsOn: ['c'] }], 'step "c" depends on itself');
    refused(
      [{ op: 'setDependsOn', id: 'c', dependsOn: ['f'] }],
      'step "c" depends on "f", which is failed and will never be done',
    );
    refused(
      [{ op: 'setDependsOn', id: 'c', dependsOn: ['s'] }],
      'step "c" depends on "s", which is skipped and will never be done',
    );
    refused(
      [{ op: 'setDependsOn', id: 'c', dependsOn: ['nowhere'] }],
      'step "c" depends on unknown step "nowhere"',
    );
  });
});

describe('where a person’s added step goes', () => {
  it('right after the step named when what it depends on comes before, with no note', () => {
    const out = edit([{ op: 'add', step: draft('x', ['a']), after: 'b' }]);
    expect(out.plan.steps.map((s) => s.id)).toEqual(['a', 'b', 'x', 'c']);
    expect(out.notes).toEqual([]);
  });

  it('after the last step it depends on when that comes later, saying so', () => {
    const out = edit([{ op: 'add', step: draft('x', ['c', 'b']), after: 'a' }]);
    expect(out.plan.steps.map((s) => s.id)).toEqual(['a', 'b', 'c', 'x']);
    expect(out.notes).toEqual([
      'step "x" was placed after "c", which it depends on, instead of right after "a"',
    ]);
  });

  it('after its dependency when that is the very next step', () => {
    const out = edit([{ op: 'add', step: draft('x', ['b']), after: 'a' }]);
    expect(out.plan.steps.map((s) => s.id)).toEqual(['a', 'b', 'x', 'c']);
    expect(out.notes).toEqual([
      'step "x" was placed after "b", which it depends on, instead of right after "a"',
    ]);
  });

  it('refuses a dependency on a step removed in the same edit', () => {
    rejects(
      [
        { op: 'setDependsOn', id: 'c', dependsOn: ['a'] },
        { op: 'remove', id: 'b' },
        { op: 'add', step: draft('x', ['b']) },
      ],
      'step "x" depends on "b", which is removed and will never be done',
    );
  });
});
