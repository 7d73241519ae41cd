/**
 * What the cluster drill's runs do, and the fake model scenario that answers them. Four kinds of run,
 * chosen by a marker in the goal: a chain of steps, a fan-out run in parallel, and each of those behind an
 * approval the drill gives. Every rule repeats (a call repeated after a fault is answered again) and waits
 * like a model would. Step ids are unique across kinds, so executor and re-planner rules need no marker.
 * The re-planner rules follow the scheduler's batches: "Steps just run: <ids of the batch>".
 */
import type { Scenario } from '../../../src/fake-model/scenario';
import type { RunInput } from '../../../workflows/schemas';
import { EFFECT_DONE_TEXT, EFFECT_TOOL } from './tool';

/** Model latency: a planner thinks longest, an executor turn is quick. */
export const LATENCY_MS = { planner: 2_000, executor: 800, replanner: 1_500 } as const;
export const MODELS = {
  planner: 'anthropic:cdrill-planner',
  executor: 'anthropic:cdrill-executor',
} as const;

interface DrillStep {
  id: string;
  dependsOn: string[];
}

export interface Variant {
  name: string;
  marker: string;
  steps: DrillStep[];
  maxParallelSteps: number;
  requireApproval: boolean;
  /** What the re-planner answers after each batch: the remaining steps, or [] to finish. */
  replans: { after: string; remaining: string[] }[];
  answer: string;
}

const chain = (p: string): DrillStep[] => [
  { id: `${p}1`, dependsOn: [] },
  { id: `${p}2`, dependsOn: [`${p}1`] },
  { id: `${p}3`, dependsOn: [`${p}2`] },
];

export const VARIANTS: Variant[] = [
  {
    name: 'chain',
    marker: '[drill chain]',
    steps: chain('a'),
    maxParallelSteps: 1,
    requireApproval: false,
    replans: [
      { after: 'a1', remaining: ['a2', 'a3'] },
      { after: 'a2', remaining: ['a3'] },
      { after: 'a3', remaining: [] },
    ],
    answer: 'chain done: a1, a2, a3 recorded',
  },
  {
    name: 'fan-out',
    marker: '[drill fan-out]',
    steps: [
      { id: 'b1', dependsOn: [] },
      { id: 'b2', dependsOn: ['b1'] },
      { id: 'b3', dependsOn: ['b1'] },
      { id: 'b4', dependsOn: ['b2', 'b3'] },
    ],
    maxParallelSteps: 2,
    requireApproval: false,
    replans: [
      { after: 'b1', remaining: ['b2', 'b3', 'b4'] },
      { after: 'b2', remaining: ['b4'] }, // the batch "b2, b3"
      { after: 'b3', remaining: ['b4'] }, // the same batch, listed the other way round
      { after: 'b4', remaining: [] },
    ],
    answer: 'fan-out done: b1, b2, b3, b4 recorded',
  },
  {
    name: 'approved chain',
    marker: '[drill approved chain]',
    steps: chain('c'),
    maxParallelSteps: 1,
    requireApproval: true,
    replans: [
      { after: 'c1', remaining: ['c2', 'c3'] },
      { after: 'c2', remaining: ['c3'] },
      { after: 'c3', remaining: [] },
    ],
    answer: 'approved chain done: c1, c2, c3 recorded',
  },
  {
    name: 'approved parallel',
    marker: '[drill approved parallel]',
    steps: [
      { id: 'd1', dependsOn: [] },
      { id: 'd2', dependsOn: [] },
      { id: 'd3', dependsOn: ['d1', 'd2'] },
    ],
    maxParallelSteps: 2,
    requireApproval: true,
    replans: [
      { after: 'd1', remaining: ['d3'] }, // the batch "d1, d2"
      { after: 'd2', remaining: ['d3'] },
      { after: 'd3', remaining: [] },
    ],
    answer: 'approved parallel done: d1, d2, d3 recorded',
  },
];

/** The file each step's effect writes, and what it holds. */
export const effectOf = (stepId: string): { path: string; content: string } => ({
  path: `effects/${stepId}.txt`,
  content: `effect of ${stepId}`,
});

const stepDraft = (variant: Variant, id: string) => {
  const step = variant.steps.find((s) => s.id === id);
  if (!step) throw new Error(`variant ${variant.name} has no step ${id}`);
  return {
    id,
    title: `Record ${id}`,
    instructions: `Record the effect of ${id}.`,
    dependsOn: step.dependsOn,
  };
};

export function runInput(variant: Variant, index: number): RunInput {
  return {
    goal: `Cluster drill run ${index} ${variant.marker}: record every step's effect`,
    options: {
      plannerModel: MODELS.planner,
      executorModel: MODELS.executor,
      replannerModel: MODELS.planner,
      maxParallelSteps: variant.maxParallelSteps,
      requireApproval: variant.requireApproval,
    },
  };
}

export function drillScenario(): Scenario {
  const rules: Scenario['rules'] = [];
  for (const v of VARIANTS) {
    rules.push({
      name: `plan ${v.name}`,
      match: { forcedTool: 'submit_plan', contains: v.marker },
      repeat: true,
      delayMs: LATENCY_MS.planner,
      reply: {
        toolCalls: [{ name: 'submit_plan', input: { steps: v.steps.map((s) => stepDraft(v, s.id)) } }],
      },
    });
    for (const step of v.steps) {
      rules.push({
        name: `execute ${step.id}`,
        match: { contains: `Your step: ${step.id}:`, lastMessageContains: `Your step: ${step.id}:` },
        repeat: true,
        delayMs: LATENCY_MS.executor,
        reply: { toolCalls: [{ name: EFFECT_TOOL, input: effectOf(step.id) }] },
      });
      rules.push({
        name: `report ${step.id}`,
        match: { contains: `Your step: ${step.id}:`, lastMessageContains: EFFECT_DONE_TEXT },
        repeat: true,
        delayMs: LATENCY_MS.executor,
        reply: { text: `${step.id} recorded` },
      });
    }
    for (const replan of v.replans) {
      const finish = replan.remaining.length === 0;
      rules.push({
        name: `replan ${v.name} after ${replan.after}`,
        match: { forcedTool: 'submit_replan', contains: `Steps just run: ${replan.after}` },
        repeat: true,
        delayMs: LATENCY_MS.replanner,
        reply: {
          toolCalls: [
            {
              name: 'submit_replan',
              input: {
                action: finish ? 'finish' : 'continue',
                reason: finish ? 'every step recorded' : 'go on',
                answer: finish ? v.answer : '',
                remainingSteps: replan.remaining.map((id) => stepDraft(v, id)),
              },
            },
          ],
        },
      });
    }
  }
  return { description: 'cluster drill', rules };
}
