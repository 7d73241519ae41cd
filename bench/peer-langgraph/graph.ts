/**
 * The peer: LangGraph.js plan-and-execute in the shape of LangGraph's own plan-and-execute tutorial, written
 * here from the documented public API. A planner with structured output makes a list of step strings; an
 * executor node runs the first step through a prebuilt ReAct agent (a tool loop over write_file); a
 * re-planner with structured output either keeps going with the rest of the plan or finishes with an answer.
 * The graph is compiled with the SQLite checkpointer, so every super-step (and the executor's inner steps,
 * which run as a subgraph under the same checkpointer) is saved to a file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChatAnthropic } from '@langchain/anthropic';
import { HumanMessage } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import type { RunnableConfig } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { z } from 'zod';

/** Model names the fake model server scripts the peer by (the project uses its own). */
export const PEER_PLANNER_MODEL = 'peer-planner';
export const PEER_EXECUTOR_MODEL = 'peer-executor';
/** Structured-output tool names: the fake model server sees them as forced tools. */
export const PLAN_TOOL = 'plan';
export const REPLAN_TOOL = 'act';

const PlanState = Annotation.Root({
  input: Annotation<string>({ reducer: (_, next) => next, default: () => '' }),
  plan: Annotation<string[]>({ reducer: (_, next) => next, default: () => [] }),
  pastSteps: Annotation<[string, string][]>({
    reducer: (done, more) => done.concat(more),
    default: () => [],
  }),
  response: Annotation<string | undefined>({ reducer: (_, next) => next, default: () => undefined }),
});
export type PeerState = typeof PlanState.State;

const PlanSchema = z
  .object({ steps: z.array(z.string()).describe('the steps to follow, in order') })
  .describe('The plan to follow');

const ActSchema = z
  .object({
    action: z.enum(['continue', 'finish']).describe('continue with steps, or finish with a response'),
    steps: z.array(z.string()).describe('when continuing: the steps still to do, in order'),
    response: z.string().describe('when finishing: the answer for the user'),
  })
  .describe('What to do next: go on with the remaining steps, or answer the user');

const plannerPrompt = ChatPromptTemplate.fromMessages([
  [
    'system',
    'For the given objective, come up with a simple step by step plan. Each step is one task that, done ' +
      'right, moves towards the answer. Do not add superfluous steps. The last step should give the answer.',
  ],
  ['human', '{objective}'],
]);

const replannerPrompt = ChatPromptTemplate.fromTemplate(
  [
    'For the given objective, keep a simple step by step plan.',
    '',
    'Your objective was this:',
    '{input}',
    '',
    'Your current plan is this:',
    '{plan}',
    '',
    'You have currently done the following steps:',
    '{pastSteps}',
    '',
    'Update your plan accordingly. If no more steps are needed and you can answer the user, finish with the response.',
    'Otherwise list only the steps that still need to be done; do not repeat done steps.',
  ].join('\n'),
);

export interface PeerGraphOptions {
  modelBaseUrl: string;
  checkpointer: BaseCheckpointSaver;
}

/** The workspace a run writes into travels in the run's config, as any per-run setting would. */
export function workspaceOf(config: RunnableConfig | undefined): string {
  const dir: unknown = config?.configurable?.workspace;
  if (typeof dir !== 'string') throw new Error('configurable.workspace is not set for this run');
  return dir;
}

const writeFileTool = tool(
  async ({ path: relative, content }, config) => {
    const root = workspaceOf(config);
    const target = path.resolve(root, relative);
    if (!target.startsWith(root + path.sep)) return `Refused: ${relative} is outside the workspace`;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    return `Wrote ${Buffer.byteLength(content)} bytes to ${relative}`;
  },
  {
    name: 'write_file',
    description: 'Write a text file in the workspace (creates or replaces it).',
    schema: z.object({ path: z.string(), content: z.string() }),
  },
);

function model(name: string, baseUrl: string): ChatAnthropic {
  // The fake model server needs a key to be sent but never checks it; retries are not exercised.
  return new ChatAnthropic({
    model: name,
    anthropicApiUrl: baseUrl,
    apiKey: 'not-a-real-key-peer',
    maxTokens: 256,
    maxRetries: 0,
  });
}

const numbered = (steps: string[]): string => steps.map((step, i) => `${i + 1}. ${step}`).join('\n');

export function buildPeerGraph(options: PeerGraphOptions) {
  const planner = plannerPrompt.pipe(
    model(PEER_PLANNER_MODEL, options.modelBaseUrl).withStructuredOutput(PlanSchema, { name: PLAN_TOOL }),
  );
  const replanner = replannerPrompt.pipe(
    model(PEER_PLANNER_MODEL, options.modelBaseUrl).withStructuredOutput(ActSchema, { name: REPLAN_TOOL }),
  );
  const agentExecutor = createReactAgent({
    llm: model(PEER_EXECUTOR_MODEL, options.modelBaseUrl),
    tools: [writeFileTool],
    prompt: 'You are a helpful assistant. Use the tools to carry out the task you are given.',
  });

  async function planStep(state: PeerState, config: RunnableConfig): Promise<Partial<PeerState>> {
    const plan = await planner.invoke({ objective: state.input }, config);
    return { plan: plan.steps };
  }

  async function executeStep(state: PeerState, config: RunnableConfig): Promise<Partial<PeerState>> {
    const task = state.plan[0];
    if (task === undefined) throw new Error('executeStep reached with an empty plan');
    // As in the tutorial, the executor sees the whole plan and is told which step is its own.
    const brief = `For the following plan:\n${numbered(state.plan)}\n\nYou are tasked with executing step 1, ${task}.`;
    // Passing the node's config runs the agent as a subgraph under the parent's checkpointer.
    const { messages } = await agentExecutor.invoke({ messages: [new HumanMessage(brief)] }, config);
    const last = messages.at(-1);
    return { pastSteps: [[task, typeof last?.content === 'string' ? last.content : '']] };
  }

  async function replanStep(state: PeerState, config: RunnableConfig): Promise<Partial<PeerState>> {
    const act = await replanner.invoke(
      {
        input: state.input,
        plan: numbered(state.plan),
        pastSteps: state.pastSteps.map(([step, result]) => `${step}: ${result}`).join('\n'),
      },
      config,
    );
    if (act.action === 'finish') return { response: act.response };
    return { plan: act.steps };
  }

  return new StateGraph(PlanState)
    .addNode('planner', planStep)
    .addNode('agent', executeStep)
    .addNode('replan', replanStep)
    .addEdge(START, 'planner')
    .addEdge('planner', 'agent')
    .addEdge('agent', 'replan')
    .addConditionalEdges('replan', (state) => (state.response !== undefined ? END : 'agent'), ['agent', END])
    .compile({ checkpointer: options.checkpointer });
}
