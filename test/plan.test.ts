import {
  createPlan,
  findCycle,
  findPlanProblems,
  readySteps,
  replaceRemaining,
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
