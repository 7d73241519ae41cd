/** Compact read-only views of a run's state for queries. */
import type { PlanView } from './messages';
import type { RunState } from './state';

export function planView(state: RunState): PlanView {
  const pinned = new Set(state.pinnedStepIds);
  return {
    status: state.status,
    version: state.plan.version,
    steps: state.plan.steps.map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      dependsOn: s.dependsOn,
      pinned: pinned.has(s.id),
    })),
    ...(state.pendingQuestion
      ? {
          pendingQuestion: {
            id: state.pendingQuestion.id,
            stepId: state.pendingQuestion.stepId,
            question: state.pendingQuestion.question,
          },
        }
      : {}),
  };
}
