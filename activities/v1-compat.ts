/**
 * The activity names and input shapes that runs started before the v2 core call (their workflow code is
 * frozen in workflows/v1). Each adapts its input to the v2 activity and returns what v1 expects, so such runs
 * finish on an upgraded worker. Remove together with workflows/v1.
 */
import type { Activities, ReplannerInput, StructuredOutcome } from '../workflows/activity-contract';
import { findPlanProblems } from '../workflows/plan';
import type { ReplannerOutput } from '../workflows/schemas';
import type {
  ExecutorTurnInput,
  PlanGoalInput,
  ReplanInput,
  RunToolInput,
} from '../workflows/v1/activity-types';

export function v1Activities(v2: Activities) {
  return {
    planGoal: (input: PlanGoalInput) => v2.planner(input),
    executorTurn: (input: ExecutorTurnInput) => v2.executor(input),
    runTool: (input: RunToolInput) => v2.tool(input),
    async replan(input: ReplanInput): Promise<StructuredOutcome<ReplannerOutput>> {
      const outcome = await v2.replanner(fromV1Replan(input));
      if (!outcome.valid || outcome.value.action !== 'continue') return outcome;
      // v1 runs rely on the activity for the graph rules: only done steps may be depended on.
      const done = new Set(input.plan.steps.filter((s) => s.status === 'done').map((s) => s.id));
      const taken = new Set(input.plan.steps.filter((s) => s.status !== 'pending').map((s) => s.id));
      const problems = findPlanProblems(outcome.value.remainingSteps, done, taken);
      if (problems.length === 0) return outcome;
      return {
        valid: false,
        problems: problems.join('; '),
        rawOutput: JSON.stringify(outcome.value).slice(0, 8_000),
        usage: outcome.usage,
      };
    },
  };
}

function fromV1Replan(input: ReplanInput): ReplannerInput {
  const just = new Set(input.justRan);
  const result: ReplannerInput = {
    goal: input.goal,
    ...(input.context !== undefined ? { context: input.context } : {}),
    planVersion: input.plan.version,
    justFinished: [],
    finished: [],
    olderFinished: 0,
    running: [],
    pending: [],
    stepsLeftInBudget: input.stepsLeftInBudget,
    pinned: input.pinned,
    advice: input.advice,
    model: input.model,
    idempotencyKey: input.idempotencyKey,
    ...(input.correction ? { correction: input.correction } : {}),
  };
  for (const s of input.plan.steps) {
    if (s.status === 'pending') {
      result.pending.push({ id: s.id, title: s.title, instructions: s.instructions, dependsOn: s.dependsOn });
    } else if (s.status === 'running') {
      result.running.push({ id: s.id, title: s.title });
    } else if (just.has(s.id) && (s.status === 'done' || s.status === 'failed')) {
      result.justFinished.push({ id: s.id, title: s.title, status: s.status, result: s.result ?? '' });
    } else {
      result.finished.push({
        id: s.id,
        title: s.title,
        status: s.status,
        summary: (s.result ?? '').slice(0, 200),
      });
    }
  }
  return result;
}
