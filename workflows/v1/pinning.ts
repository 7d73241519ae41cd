// Frozen copy of the workflow code that runs started before the v2 core use (see ../planAndExecute.ts).
// Never edit: replay of their histories depends on it. Delete with deprecatePatched once none is open.
/**
 * People outrank the re-planner: steps a person added or changed are pinned, steps a person removed stay
 * removed. These pure functions turn a re-planner proposal into one that respects both, and say what they
 * had to change so the event log can show it.
 */
import { sameDraft, toDraft } from './plan';
import type { StepDraft } from './schemas';
import type { Plan } from './state';

export interface ProtectedProposal {
  steps: StepDraft[];
  notes: string[];
}

export function protectHumanEdits(
  plan: Plan,
  proposed: StepDraft[],
  pinnedIds: readonly string[],
  removedIds: readonly string[],
): ProtectedProposal {
  const notes: string[] = [];
  const removed = new Set(removedIds);
  let steps = proposed.filter((d) => {
    if (!removed.has(d.id)) return true;
    notes.push(`re-planner brought back step "${d.id}", which a person removed; left out`);
    return false;
  });

  const pendingPinned = plan.steps.filter((s) => s.status === 'pending' && pinnedIds.includes(s.id));
  for (const pinned of pendingPinned) {
    const asPerson = toDraft(pinned);
    const index = steps.findIndex((d) => d.id === pinned.id);
    if (index === -1) {
      steps = [...steps, asPerson];
      notes.push(`re-planner dropped step "${pinned.id}", which a person added or changed; kept`);
    } else if (!sameDraft(steps[index] as StepDraft, asPerson)) {
      steps = steps.map((d, i) => (i === index ? asPerson : d));
      notes.push(
        `re-planner rewrote step "${pinned.id}", which a person added or changed; kept as the person wrote it`,
      );
    }
  }

  // A kept step may depend on a step the re-planner dropped; such a dependency could never be met.
  const available = new Set([
    ...plan.steps.filter((s) => s.status === 'done').map((s) => s.id),
    ...steps.map((d) => d.id),
  ]);
  steps = steps.map((d) => {
    const missing = d.dependsOn.filter((dep) => !available.has(dep));
    if (missing.length === 0) return d;
    notes.push(
      `step "${d.id}" depended on ${missing.map((m) => `"${m}"`).join(', ')}, no longer in the plan; dependency dropped`,
    );
    return { ...d, dependsOn: d.dependsOn.filter((dep) => available.has(dep)) };
  });
  return { steps, notes };
}

/** Pinned steps still waiting to run, as drafts: what must run even if the re-planner wants to finish. */
export function pendingPinnedDrafts(plan: Plan, pinnedIds: readonly string[]): StepDraft[] {
  return plan.steps.filter((s) => s.status === 'pending' && pinnedIds.includes(s.id)).map(toDraft);
}
