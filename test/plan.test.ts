import {
  createPlan,
  describeRevision,
  findCycle,
  findPlanProblems,
  pendingSteps,
  readySteps,
  replanIdSets,
  replaceRemaining,
  sameDraft,
  updateStep,
} from '../workflows/plan';
import type { StepDraft } from '../workflows/schemas';

const draft = (id: string, dependsOn: string[] = []): StepDraft => ({
  id,
  title: `T ${id}`,
  instructions: `do ${id}`,
  dependsOn,
});
const none = new Set<string>();

describe('plan model', () => {
  it('names each broken rule and the step', () => {
    expect(findPlanProblems([draft('a'), draft('a')], none, none)).toContain('duplicate step id "a"');
    expect(findPlanProblems([draft('a', ['a'])], none, none)).toContain('step "a" depends on itself');
    expect(findPlanProblems([draft('a', ['zz'])], none, none)).toEqual([
      'step "a" depends on "zz", which is neither in the plan nor a done or running step',
    ]);
    expect(findPlanProblems([draft('a', ['c']), draft('b', ['a']), draft('c', ['b'])], none, none)).toEqual([
      'dependency cycle: a -> c -> b -> a',
    ]);
    expect(findPlanProblems([draft('x')], new Set(['x']), new Set(['x']))).toEqual([
      'step id "x" is already used by a step that ran',
    ]);
    expect(findPlanProblems([draft('b', ['a'])], new Set(['a']), new Set(['a']))).toEqual([]);
  });

  it('finds no cycle in a diamond', () => {
    expect(
      findCycle([draft('a'), draft('b', ['a']), draft('c', ['a']), draft('d', ['b', 'c'])]),
    ).toBeUndefined();
  });

  it('offers only steps whose dependencies are done', () => {
    let plan = createPlan([draft('a'), draft('b'), draft('c', ['a', 'b'])], 'planner', 'init', 't0');
    expect(readySteps(plan).map((s) => s.id)).toEqual(['a', 'b']);
    plan = updateStep(plan, 'a', { status: 'done' });
    expect(readySteps(plan).map((s) => s.id)).toEqual(['b']);
    plan = updateStep(plan, 'b', { status: 'done' });
    expect(readySteps(plan).map((s) => s.id)).toEqual(['c']);
  });

  it('replaces the remaining plan, keeps finished steps and records what changed', () => {
    let plan = createPlan([draft('a'), draft('b', ['a']), draft('c', ['b'])], 'planner', 'init', 't0');
    plan = updateStep(plan, 'a', { status: 'done', result: 'A' });
    const next = replaceRemaining(
      plan,
      [{ ...draft('b', ['a']), instructions: 'do b better' }, draft('d', ['b'])],
      'replanner',
      'why',
      't1',
    );
    expect(next.version).toBe(2);
    expect(next.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['c', 'skipped'],
      ['b', 'pending'],
      ['d', 'pending'],
    ]);
    expect(next.steps[0]).toBe(plan.steps[0]); // done steps never change
    expect(next.revisions[1]).toEqual({
      version: 2,
      author: 'replanner',
      reason: 'why',
      at: 't1',
      added: ['d'],
      changed: ['b'],
      removed: ['c'],
    });
  });
});

describe('plan model details', () => {
  it('records the planner’s revision in full', () => {
    const plan = createPlan([draft('a'), draft('b', ['a'])], 'planner', 'initial plan', 't0');
    expect(plan.revisions).toEqual([
      {
        version: 1,
        author: 'planner',
        reason: 'initial plan',
        at: 't0',
        added: ['a', 'b'],
        changed: [],
        removed: [],
      },
    ]);
    expect(plan.steps.map((s) => [s.id, s.status, s.turns, s.revision])).toEqual([
      ['a', 'pending', 0, 1],
      ['b', 'pending', 0, 1],
    ]);
  });

  it('reports a cycle from where it starts, wherever the search began', () => {
    // x leads into the cycle but is not part of it.
    expect(findCycle([draft('x', ['a']), draft('a', ['b']), draft('b', ['a'])])).toEqual(['a', 'b', 'a']);
    // A cycle that the first step does not lead to is found too.
    expect(findCycle([draft('a'), draft('b', ['c']), draft('c', ['b'])])).toEqual(['b', 'c', 'b']);
    // Dependencies outside the drafts (done steps) are not followed.
    expect(findCycle([draft('a', ['done-1']), draft('b', ['a', 'done-2'])])).toBeUndefined();
  });

  it('checks a large, densely connected plan at once (each step visited once)', () => {
    // 25 layers of two steps, each depending on both steps of the layer before: 2^25 paths.
    const drafts: StepDraft[] = [];
    for (let layer = 0; layer < 25; layer++) {
      const before = layer === 0 ? [] : [`l${layer - 1}a`, `l${layer - 1}b`];
      drafts.push(draft(`l${layer}a`, before), draft(`l${layer}b`, before));
    }
    expect(findCycle(drafts)).toBeUndefined();
    expect(findPlanProblems(drafts, none, none)).toEqual([]);
  });

  it('marks dropped pending steps as skipped, saying who dropped them and when', () => {
    const plan = updateStep(createPlan([draft('a'), draft('b', ['a'])], 'planner', 'init', 't0'), 'a', {
      status: 'done',
    });
    const next = replaceRemaining(plan, [draft('c', ['a'])], 'human', 'person', 't1');
    expect(next.steps.find((s) => s.id === 'b')).toMatchObject({
      status: 'skipped',
      result: 'Dropped by the human in plan v2: person',
    });
  });

  it('lists pending steps, the ids a re-plan may depend on (done, running) and those it may not reuse', () => {
    let plan = createPlan([draft('a'), draft('b'), draft('c'), draft('d')], 'planner', 'init', 't0');
    plan = updateStep(plan, 'a', { status: 'done' });
    plan = updateStep(plan, 'b', { status: 'failed' });
    plan = updateStep(plan, 'c', { status: 'running' });
    expect(pendingSteps(plan).map((s) => s.id)).toEqual(['d']);
    const { usable, taken } = replanIdSets(plan);
    expect([...usable]).toEqual(['a', 'c']);
    expect([...taken]).toEqual(['a', 'b', 'c']);
  });

  it('describes a revision in one line', () => {
    const plan = createPlan([draft('a'), draft('b')], 'planner', 'init', 't0');
    expect(describeRevision(plan.revisions[0])).toBe('added a, b; changed none; removed none');
    expect(
      describeRevision({
        version: 2,
        author: 'human',
        reason: 'r',
        at: 't',
        added: [],
        changed: ['a'],
        removed: ['b', 'c'],
      }),
    ).toBe('added none; changed a; removed b, c');
    expect(describeRevision(undefined)).toBe('added none; changed none; removed none');
  });

  it('compares drafts by title, instructions and every dependency in order', () => {
    const base = draft('a', ['x', 'y']);
    expect(sameDraft(base, draft('a', ['x', 'y']))).toBe(true);
    expect(sameDraft(base, draft('a', ['x', 'z']))).toBe(false);
    expect(sameDraft(base, draft('a', ['y', 'x']))).toBe(false);
    expect(sameDraft(base, draft('a', ['x']))).toBe(false);
    expect(sameDraft(base, { ...base, title: 'other' })).toBe(false);
    expect(sameDraft(base, { ...base, instructions: 'other' })).toBe(false);
  });
});
