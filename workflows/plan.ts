/**
 * The plan model: pure functions over a Plan. No I/O, no clocks (callers pass `at`), so the workflow
 * can use them deterministically and tests can call them directly.
 */
import type { StepDraft } from './schemas';
import type { Plan, PlanRevision, PlanStep, RevisionAuthor } from './state';

/**
 * Problems with a set of step drafts meant to replace the pending steps. `usableIds` are the steps outside
 * the drafts that may be depended on (done and running ones); `takenIds` are ids no draft may reuse (every
 * step that is not pending). Each message names the rule and the step. Empty when the drafts are valid.
 */
export function findPlanProblems(
  drafts: StepDraft[],
  usableIds: ReadonlySet<string>,
  takenIds: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const draft of drafts) {
    if (ids.has(draft.id)) problems.push(`duplicate step id "${draft.id}"`);
    if (takenIds.has(draft.id)) problems.push(`step id "${draft.id}" is already used by a step that ran`);
    ids.add(draft.id);
  }
  for (const draft of drafts) {
    for (const dep of draft.dependsOn) {
      if (dep === draft.id) problems.push(`step "${draft.id}" depends on itself`);
      else if (!ids.has(dep) && !usableIds.has(dep)) {
        problems.push(
          `step "${draft.id}" depends on "${dep}", which is neither in the plan nor a done or running step`,
        );
      }
    }
  }
  const cycle = findCycle(drafts);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** A dependency cycle among the drafts as a list of ids (first id repeated at the end), or undefined. */
export function findCycle(drafts: StepDraft[]): string[] | undefined {
  const byId = new Map(drafts.map((d) => [d.id, d]));
  const state = new Map<string, 'visiting' | 'visited'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const mark = state.get(id);
    if (mark === 'visited') return undefined;
    if (mark === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'visited');
    return undefined;
  };
  for (const draft of drafts) {
    const found = visit(draft.id);
    if (found) return found;
  }
  return undefined;
}

export function createPlan(drafts: StepDraft[], author: RevisionAuthor, reason: string, at: string): Plan {
  return {
    version: 1,
    steps: drafts.map((d) => toStep(d, 1)),
    revisions: [{ version: 1, author, reason, at, added: drafts.map((d) => d.id), changed: [], removed: [] }],
  };
}

/**
 * Replace every pending step with `remaining`. Steps that are not pending stay as they are; pending steps
 * left out of `remaining` become skipped, so the plan keeps a record of them.
 */
export function replaceRemaining(
  plan: Plan,
  remaining: StepDraft[],
  author: RevisionAuthor,
  reason: string,
  at: string,
): Plan {
  const version = plan.version + 1;
  const pendingById = new Map(plan.steps.filter((s) => s.status === 'pending').map((s) => [s.id, s]));
  const keptIds = new Set(remaining.map((d) => d.id));
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];

  const history = plan.steps
    .filter((s) => s.status !== 'pending' || !keptIds.has(s.id))
    .map((s): PlanStep => {
      if (s.status !== 'pending') return s;
      removed.push(s.id);
      return { ...s, status: 'skipped', result: `Dropped by the ${author} in plan v${version}: ${reason}` };
    });

  const next = remaining.map((draft): PlanStep => {
    const previous = pendingById.get(draft.id);
    if (!previous) {
      added.push(draft.id);
      return toStep(draft, version);
    }
    if (sameDraft(previous, draft)) return previous;
    changed.push(draft.id);
    return toStep(draft, version);
  });

  return {
    version,
    steps: [...history, ...next],
    revisions: [...plan.revisions, { version, author, reason, at, added, changed, removed }],
  };
}

/** Pending steps whose dependencies are all done, in plan order. */
export function readySteps(plan: Plan): PlanStep[] {
  const done = new Set<string>();
  for (const s of plan.steps) if (s.status === 'done') done.add(s.id);
  return plan.steps.filter((s) => s.status === 'pending' && s.dependsOn.every((d) => done.has(d)));
}

export function pendingSteps(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => s.status === 'pending');
}

/** A copy of the plan with one step patched (used by tests and people's edits; the run patches in place). */
export function updateStep(
  plan: Plan,
  id: string,
  patch: Partial<Pick<PlanStep, 'status' | 'result' | 'turns'>>,
): Plan {
  return { ...plan, steps: plan.steps.map((s) => (s.id === id ? { ...s, ...patch } : s)) };
}

/** Ids a re-plan's drafts may depend on (done and running steps) and ids they may not reuse (not pending). */
export function replanIdSets(plan: Plan): { usable: Set<string>; taken: Set<string> } {
  const usable = new Set<string>();
  const taken = new Set<string>();
  for (const s of plan.steps) {
    if (s.status === 'done' || s.status === 'running') usable.add(s.id);
    if (s.status !== 'pending') taken.add(s.id);
  }
  return { usable, taken };
}

/** A new pending step from a draft, introduced in plan version `revision`. */
export function toStep(draft: StepDraft, revision: number): PlanStep {
  return {
    id: draft.id,
    title: draft.title,
    instructions: draft.instructions,
    dependsOn: [...draft.dependsOn],
    status: 'pending',
    turns: 0,
    revision,
  };
}

/** The draft a step was made from: what people and the re-planner write. */
export function toDraft(step: StepDraft): StepDraft {
  return { id: step.id, title: step.title, instructions: step.instructions, dependsOn: [...step.dependsOn] };
}

/** One line for the event log: what a revision added, changed and removed. */
export function describeRevision(revision: PlanRevision | undefined): string {
  const ids = (list: string[] | undefined) => list?.join(', ') || 'none';
  return `added ${ids(revision?.added)}; changed ${ids(revision?.changed)}; removed ${ids(revision?.removed)}`;
}

/** Same title, instructions and dependencies (a PlanStep is a StepDraft with status). */
export function sameDraft(a: StepDraft, b: StepDraft): boolean {
  return (
    a.title === b.title &&
    a.instructions === b.instructions &&
    a.dependsOn.length === b.dependsOn.length &&
    a.dependsOn.every((d, i) => d === b.dependsOn[i])
  );
}
