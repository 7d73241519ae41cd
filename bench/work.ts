/**
 * The work both engines do, and the fake model server's script for it. A run plans N independent steps;
 * each step is one executor turn that calls write_file (`sK.md`, "content of sK"), one executor turn that
 * answers with text, and one re-plan that keeps the rest of the plan (the last re-plan finishes with
 * "done"). Both engines get the same replies; each is recognised by its own request shape.
 *
 * The plan shows at most PLAN_WINDOW pending steps (the project accepts at most 50 per plan); each re-plan
 * slides the window on by one. So the pending part of a re-plan input has the same size all run long (until
 * the last PLAN_WINDOW steps), and any growth in it comes from what the run has done.
 */
import type { Scenario } from '../src/fake-model/scenario';

type Rule = Scenario['rules'][number];
type Match = NonNullable<Rule['match']>;

export const PLAN_WINDOW = 20;
export const GOAL = 'Benchmark: write one file per step.';
export const ANSWER = 'done';
export const PROJECT_MODELS = { planner: 'bench-planner', executor: 'bench-executor' };
export const PEER_MODELS = { planner: 'peer-planner', executor: 'peer-executor' };

export interface Work {
  steps: number;
  /** Delay of every model call at the fake server, in ms. */
  delayMs: number;
}

export const stepId = (k: number): string => `s${k}`;
export const fileContent = (id: string): string => `content of ${id}`;

/** The pending steps once `done` steps have run: the next window. */
function pendingAfter(work: Work, done: number): string[] {
  const last = Math.min(work.steps, done + PLAN_WINDOW);
  return Array.from({ length: last - done }, (_, i) => stepId(done + i + 1));
}

/**
 * How the project's requests are recognised. The prompts may change wording while the engine is reworked:
 * this is the one place to adjust. Forced tool names and the last message are the most stable handles.
 */
export const projectMatch = {
  plan: (): Match => ({ model: PROJECT_MODELS.planner, forcedTool: 'submit_plan' }),
  /** First executor turn of a step: its brief is the last (only) message. */
  executorFirstTurn: (id: string): Match => ({
    model: PROJECT_MODELS.executor,
    lastMessageContains: `Your step: ${id}:`,
  }),
  /** Second executor turn: the last message is write_file's result. */
  executorAfterTool: (id: string): Match => ({
    model: PROJECT_MODELS.executor,
    contains: `Your step: ${id}:`,
    lastMessageContains: 'Wrote ',
  }),
  replanAfter: (id: string): Match => ({
    model: PROJECT_MODELS.planner,
    forcedTool: 'submit_replan',
    contains: `Steps just run: ${id}\n`,
  }),
};

/**
 * The same for the peer (bench/peer-langgraph/graph.ts): its step strings read "Step sK: ...", and its
 * executor is told "You are tasked with executing step 1, <step>" below the whole plan.
 */
export const peerMatch = {
  plan: (): Match => ({ model: PEER_MODELS.planner, forcedTool: 'plan' }),
  executorFirstTurn: (id: string): Match => ({
    model: PEER_MODELS.executor,
    lastMessageContains: `executing step 1, Step ${id}:`,
  }),
  executorAfterTool: (id: string): Match => ({
    model: PEER_MODELS.executor,
    contains: `executing step 1, Step ${id}:`,
    lastMessageContains: 'Wrote ',
  }),
  /** Its re-planner sees the current plan, whose first step is the one that just ran. */
  replanAfter: (id: string): Match => ({
    model: PEER_MODELS.planner,
    forcedTool: 'act',
    contains: `Your current plan is this:\n1. Step ${id}:`,
  }),
};

const projectStep = (id: string) => ({
  id,
  title: `Step ${id}`,
  instructions: `Write ${id}.md`,
  dependsOn: [],
});
const peerStep = (id: string): string => `Step ${id}: write ${id}.md`;

/** Rules that answer any number of runs at once: every rule repeats, and each step has its own. */
function stepRules(
  work: Work,
  match: typeof projectMatch,
  replanReply: (done: number) => NonNullable<Rule['reply']>,
): Rule[] {
  const base = { repeat: true, delayMs: work.delayMs };
  const rules: Rule[] = [];
  for (let k = 1; k <= work.steps; k++) {
    const id = stepId(k);
    rules.push(
      {
        ...base,
        name: `exec1 ${id}`,
        match: match.executorFirstTurn(id),
        reply: { toolCalls: [{ name: 'write_file', input: { path: `${id}.md`, content: fileContent(id) } }] },
      },
      { ...base, name: `exec2 ${id}`, match: match.executorAfterTool(id), reply: { text: `Wrote ${id}.md` } },
      { ...base, name: `replan ${id}`, match: match.replanAfter(id), reply: replanReply(k) },
    );
  }
  return rules;
}

export function projectScenario(work: Work): Scenario {
  const replanReply = (done: number): NonNullable<Rule['reply']> => {
    const rest = pendingAfter(work, done);
    const input =
      rest.length === 0
        ? { action: 'finish', reason: 'all steps done', answer: ANSWER, remainingSteps: [] }
        : { action: 'continue', reason: 'next steps', answer: '', remainingSteps: rest.map(projectStep) };
    return { toolCalls: [{ name: 'submit_replan', input }] };
  };
  return {
    description: `project: ${work.steps} steps`,
    rules: [
      {
        name: 'plan',
        repeat: true,
        delayMs: work.delayMs,
        match: projectMatch.plan(),
        reply: {
          toolCalls: [{ name: 'submit_plan', input: { steps: pendingAfter(work, 0).map(projectStep) } }],
        },
      },
      ...stepRules(work, projectMatch, replanReply),
    ],
  };
}

export function peerScenario(work: Work): Scenario {
  const replanReply = (done: number): NonNullable<Rule['reply']> => {
    const rest = pendingAfter(work, done);
    const input =
      rest.length === 0
        ? { action: 'finish', steps: [], response: ANSWER }
        : { action: 'continue', steps: rest.map(peerStep), response: '' };
    return { toolCalls: [{ name: 'act', input }] };
  };
  return {
    description: `peer: ${work.steps} steps`,
    rules: [
      {
        name: 'plan',
        repeat: true,
        delayMs: work.delayMs,
        match: peerMatch.plan(),
        reply: { toolCalls: [{ name: 'plan', input: { steps: pendingAfter(work, 0).map(peerStep) } }] },
      },
      ...stepRules(work, peerMatch, replanReply),
    ],
  };
}

/** Model calls one run makes: the plan, then two executor turns and one re-plan per step. */
export const modelCallsPerRun = (steps: number): number => 1 + 3 * steps;
