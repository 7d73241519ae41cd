/** Prompt text for each role. Kept apart from the call logic so it can be read and tuned on its own. */
import { ASK_HUMAN_TOOL } from '../workflows/messages';
import type { Correction, ExecutorInput, ReplannerInput } from '../workflows/activity-contract';

export const SUBMIT_PLAN_TOOL = 'submit_plan';
export const SUBMIT_REPLAN_TOOL = 'submit_replan';

export const PLANNER_SYSTEM = [
  'You are the Planner in a plan-and-execute agent.',
  'Break the goal into a short plan of atomic steps. Each step must be something one executor with the tools listed',
  'in the request (by default file tools in a private workspace) can finish on its own; name in its instructions',
  'the tools the step needs.',
  'Give each step a short id (letters, digits, "-" or "_"), a title, precise instructions, and dependsOn: the ids',
  'of the steps whose results it needs. Steps without dependencies between them may run in parallel.',
  `Answer only by calling ${SUBMIT_PLAN_TOOL}.`,
].join('\n');

export const REPLANNER_SYSTEM = [
  'You are the Re-Planner in a plan-and-execute agent.',
  'You see the goal, the steps that finished (one line each), the results of the steps that just ran, the steps',
  'running now and the pending steps.',
  'If the goal is met, answer with action "finish" and the final answer for the user.',
  'Otherwise answer with action "continue" and remainingSteps: the full list of steps still to do, replacing',
  'every pending step. Keep useful pending steps (same id), change or drop the others, add what is missing.',
  'Never reuse the id of a step that ran or is running. dependsOn may name done or running steps, or steps in',
  'remainingSteps. If you finish while steps are running, they complete but do not change your answer.',
  `Answer only by calling ${SUBMIT_REPLAN_TOOL}. Use "" for answer when continuing and [] for remainingSteps when finishing.`,
].join('\n');

export const EXECUTOR_SYSTEM = [
  'You are the Executor in a plan-and-execute agent. You carry out exactly one step of a larger plan.',
  'Use the tools to do the work. Paths are relative to the run workspace.',
  'When the step is done, reply without calling a tool, with a short summary of what you did and found;',
  'that summary is what the rest of the run will see.',
  `If you cannot go on without a decision or fact only a person has, call ${ASK_HUMAN_TOOL} with one clear question.`,
].join('\n');

/**
 * A prompt in two parts: `stable` is the same on every call of its kind in a run (the goal, the context, the
 * tools) and goes first, so providers can serve it from their prompt cache; `changing` is what differs per
 * call, and comes last.
 */
export interface SplitPrompt {
  stable: string;
  changing: string;
}

export interface ToolLine {
  name: string;
  description: string;
}

/** The goal, context and tools: what every planner and re-planner call of a run shares. */
function goalBlock(goal: string, context: string | undefined, tools: ToolLine[] | undefined): string {
  const parts = [`Goal:\n${goal}`];
  if (context) parts.push(`Context:\n${context}`);
  if (tools) parts.push(toolsText(tools));
  return parts.join('\n\n');
}

export function plannerPrompt(
  goal: string,
  context: string | undefined,
  correction?: Correction,
  tools?: ToolLine[],
): SplitPrompt {
  const parts = [`Call ${SUBMIT_PLAN_TOOL} with the plan.`];
  if (correction) parts.push(correctionText(correction, SUBMIT_PLAN_TOOL));
  return { stable: goalBlock(goal, context, tools), changing: parts.join('\n\n') };
}

/** What changes comes last: finished steps (which only grow), then this re-plan's news, then the pending plan. */
export function replannerPrompt(
  input: Omit<ReplannerInput, 'model' | 'idempotencyKey'>,
  tools?: ToolLine[],
): SplitPrompt {
  const { correction } = input;
  const parts: string[] = [];
  const finished = input.finished.map(
    (s) => `- [${s.status}] ${s.id}: ${s.title}${s.summary ? ` — ${s.summary}` : ''}`,
  );
  if (input.olderFinished > 0)
    finished.unshift(`- (${input.olderFinished} earlier finished steps not shown)`);
  // The list of finished steps only grows at its end between re-plans: first, so that a provider that caches
  // prompt prefixes on its own (OpenAI) finds the longest common prefix.
  parts.push(`Finished steps:\n${finished.join('\n') || '(none)'}`);
  const just = input.justFinished.map((s) => `- [${s.status}] ${s.id}: ${s.title}\n    result: ${s.result}`);
  parts.push(
    `Steps just run: ${input.justFinished.map((s) => s.id).join(', ') || '(none)'}\n${just.join('\n')}`,
  );
  if (input.running.length > 0) {
    parts.push(
      `Running now (fixed; you cannot change them, but pending steps may depend on them):\n${input.running.map((s) => `- ${s.id}: ${s.title}`).join('\n')}`,
    );
  }
  const pending = input.pending.map((s) => {
    const deps = s.dependsOn.length > 0 ? ` (after ${s.dependsOn.join(', ')})` : '';
    return `- ${s.id}: ${s.title}${deps}\n    instructions: ${s.instructions}`;
  });
  parts.push(`Plan version ${input.planVersion}. Pending steps:\n${pending.join('\n') || '(none)'}`);
  parts.push(`At most ${input.stepsLeftInBudget} more steps may run in this run.`);
  if (input.pinned.length > 0) {
    parts.push(`Pinned by a person (keep these steps exactly as they are): ${input.pinned.join(', ')}`);
  }
  if (input.advice.length > 0) parts.push(adviceText(input.advice));
  parts.push(`Call ${SUBMIT_REPLAN_TOOL} with your decision.`);
  if (correction) parts.push(correctionText(correction, SUBMIT_REPLAN_TOOL));
  return { stable: goalBlock(input.goal, input.context, tools), changing: parts.join('\n\n') };
}

/** The goal is shared by every step of the run; the step, its inputs and the advice follow it. */
export function executorBrief(
  input: Pick<ExecutorInput, 'goal' | 'step' | 'dependencies' | 'advice'>,
): SplitPrompt {
  const parts = [
    `Your step: ${input.step.id}: ${input.step.title}\nInstructions:\n${input.step.instructions}`,
  ];
  if (input.dependencies.length > 0) {
    parts.push(
      `Results of earlier steps you depend on:\n${input.dependencies.map((d) => `- ${d.id} (${d.title}): ${d.result}`).join('\n')}`,
    );
  }
  if (input.advice.length > 0) parts.push(adviceText(input.advice));
  return { stable: `Overall goal (for context only):\n${input.goal}`, changing: parts.join('\n\n') };
}

function toolsText(tools: ToolLine[]): string {
  const lines = tools
    .filter((t) => t.name !== ASK_HUMAN_TOOL)
    .map((t) => `- ${t.name}${t.description ? `: ${t.description}` : ''}`);
  return `Tools the executor has (name the ones each step needs in its instructions):\n${lines.join('\n') || '(none besides asking a person)'}`;
}

function adviceText(advice: string[]): string {
  return `Notes from a person overseeing this run (follow them):\n${advice.map((a) => `- ${a}`).join('\n')}`;
}

function correctionText(correction: Correction, tool: string): string {
  return [
    `Your previous answer was rejected: ${correction.problems}`,
    `Previous answer:\n${correction.previousOutput}`,
    `Call ${tool} again with a corrected answer.`,
  ].join('\n\n');
}
