import { createPlan, updateStep } from '../workflows/plan';
import { pendingPinnedDrafts, protectHumanEdits } from '../workflows/pinning';
import type { StepDraft } from '../workflows/schemas';

const draft = (id: string, dependsOn: string[] = [], instructions = `do ${id}`): StepDraft => ({
  id,
  title: `T ${id}`,
  instructions,
  dependsOn,
});
/** a done; b, c and p pending; p is what a person wrote. */
const plan = () =>
  updateStep(
    createPlan(
      [draft('a'), draft('b', ['a']), draft('c', ['b']), draft('p', ['a'], 'as the person said')],
      'planner',
      'init',
      't0',
    ),
    'a',
    { status: 'done' },
  );

describe('protecting people’s edits from the re-planner', () => {
  it('changes nothing, and says nothing, when the proposal respects them', () => {
    const proposal = [draft('b', ['a']), draft('p', ['a'], 'as the person said')];
    expect(protectHumanEdits(plan(), proposal, ['p'], ['c'])).toEqual({ steps: proposal, notes: [] });
  });

  it('leaves out a step a person removed, wherever the re-planner put it back', () => {
    const out = protectHumanEdits(plan(), [draft('c'), draft('b', ['a']), draft('x')], [], ['c', 'x']);
    expect(out.steps.map((s) => s.id)).toEqual(['b']);
    expect(out.notes).toEqual([
      're-planner brought back step "c", which a person removed; left out',
      're-planner brought back step "x", which a person removed; left out',
    ]);
  });

  it('adds a pinned step the re-planner dropped at the end, as the person wrote it', () => {
    const out = protectHumanEdits(plan(), [draft('b', ['a'])], ['p'], []);
    expect(out.steps).toEqual([draft('b', ['a']), draft('p', ['a'], 'as the person said')]);
    expect(out.notes).toEqual(['re-planner dropped step "p", which a person added or changed; kept']);
  });

  it('puts a pinned step the re-planner rewrote back in its place, as the person wrote it', () => {
    for (const rewrite of [
      draft('p', ['a'], 'the re-planner’s version'),
      { ...draft('p', ['a'], 'as the person said'), title: 'Another title' },
      draft('p', ['b'], 'as the person said'),
      draft('p', [], 'as the person said'),
    ]) {
      const out = protectHumanEdits(plan(), [rewrite, draft('b', ['a'])], ['p'], []);
      expect(out.steps).toEqual([draft('p', ['a'], 'as the person said'), draft('b', ['a'])]);
      expect(out.notes).toEqual([
        're-planner rewrote step "p", which a person added or changed; kept as the person wrote it',
      ]);
    }
  });

  it('pins only steps still pending: a done pinned step is not brought back', () => {
    const out = protectHumanEdits(plan(), [draft('b', ['a'])], ['a'], []);
    expect(out).toEqual({ steps: [draft('b', ['a'])], notes: [] });
  });

  it('drops dependencies that can no longer be met, keeping those on done and proposed steps', () => {
    const out = protectHumanEdits(
      plan(),
      [draft('b', ['a', 'gone', 'also-gone']), draft('d', ['b'])],
      [],
      [],
    );
    expect(out.steps).toEqual([draft('b', ['a']), draft('d', ['b'])]);
    expect(out.notes).toEqual([
      'step "b" depended on "gone", "also-gone", no longer in the plan; dependency dropped',
    ]);
  });

  it('keeps a pending step the re-planner dropped when a kept pinned step depends on it', () => {
    const edited = updateStep(plan(), 'b', {});
    const withPinnedOnC = {
      ...edited,
      steps: edited.steps.map((s) => (s.id === 'p' ? { ...s, dependsOn: ['c'] } : s)),
    };
    const out = protectHumanEdits(withPinnedOnC, [draft('b', ['a'])], ['p'], []);
    expect(out.steps).toEqual([
      draft('b', ['a']),
      draft('p', ['c'], 'as the person said'),
      draft('c', ['b']),
    ]);
    expect(out.notes).toEqual([
      're-planner dropped step "p", which a person added or changed; kept',
      're-planner dropped step "c", which "p" (a person\'s step) depends on; kept',
    ]);
  });

  it('drops the dependency of a kept pinned step on a step that can no longer run', () => {
    const failedC = updateStep(plan(), 'c', { status: 'failed' });
    const withPinnedOnC = {
      ...failedC,
      steps: failedC.steps.map((s) => (s.id === 'p' ? { ...s, dependsOn: ['c'] } : s)),
    };
    const out = protectHumanEdits(withPinnedOnC, [draft('b', ['a'])], ['p'], []);
    expect(out.steps).toEqual([draft('b', ['a']), draft('p', [], 'as the person said')]);
    expect(out.notes).toEqual([
      're-planner dropped step "p", which a person added or changed; kept',
      'step "p" depended on "c", no longer in the plan; dependency dropped',
    ]);
  });
});

describe('dependencies of kept pinned steps', () => {
  it('keeps a dependency on a step that is running', () => {
    const running = updateStep(plan(), 'b', { status: 'running' });
    const onB = {
      ...running,
      steps: running.steps.map((s) => (s.id === 'p' ? { ...s, dependsOn: ['b'] } : s)),
    };
    const out = protectHumanEdits(onB, [draft('c', ['b'])], ['p'], []);
    expect(out.steps).toEqual([draft('c', ['b']), draft('p', ['b'], 'as the person said')]);
    expect(out.notes).toEqual(['re-planner dropped step "p", which a person added or changed; kept']);
  });
});

describe('pending pinned steps', () => {
  it('are the pinned steps still pending, as drafts a re-plan can carry', () => {
    const drafts = pendingPinnedDrafts(plan(), ['a', 'p', 'ghost']);
    expect(drafts).toEqual([draft('p', ['a'], 'as the person said')]);
    expect(Object.keys(drafts[0]!)).toEqual(['id', 'title', 'instructions', 'dependsOn']);
    expect(pendingPinnedDrafts(plan(), [])).toEqual([]);
  });

  it('hand out their own dependency lists', () => {
    const p = plan();
    const [d] = pendingPinnedDrafts(p, ['p']);
    d!.dependsOn.push('b');
    expect(p.steps.find((s) => s.id === 'p')?.dependsOn).toEqual(['a']);
  });
});
