/** Scenario builders shared by the suites. Each returns the fake model server's script for one run. */
import type { Scenario } from '../../src/fake-model/scenario';

type Rule = Scenario['rules'][number];

export function planRule(
  steps: { id: string; title: string; instructions?: string; dependsOn?: string[] }[],
): Rule {
  return {
    name: 'plan',
    match: { forcedTool: 'submit_plan' },
    reply: {
      toolCalls: [
        {
          name: 'submit_plan',
          input: {
            steps: steps.map((s) => ({
              id: s.id,
              title: s.title,
              instructions: s.instructions ?? `Do: ${s.title}`,
              dependsOn: s.dependsOn ?? [],
            })),
          },
        },
      ],
    },
  };
}

export function finishRule(answer: string, name = 'finish'): Rule {
  return {
    name,
    match: { forcedTool: 'submit_replan' },
    reply: {
      toolCalls: [
        {
          name: 'submit_replan',
          input: { action: 'finish', reason: 'goal met', answer, remainingSteps: [] },
        },
      ],
    },
  };
}

export function continueRule(
  remainingSteps: { id: string; title: string; instructions?: string; dependsOn?: string[] }[],
  reason: string,
  name = 'replan',
): Rule {
  return {
    name,
    match: { forcedTool: 'submit_replan' },
    reply: {
      toolCalls: [
        {
          name: 'submit_replan',
          input: {
            action: 'continue',
            reason,
            answer: '',
            remainingSteps: remainingSteps.map((s) => ({
              id: s.id,
              title: s.title,
              instructions: s.instructions ?? `Do: ${s.title}`,
              dependsOn: s.dependsOn ?? [],
            })),
          },
        },
      ],
    },
  };
}

/** The executor's answer for one turn of step `stepId`: tool calls, or a final summary. */
export function executorRule(
  stepId: string,
  reply: NonNullable<Rule['reply']>,
  extra: Partial<Rule> = {},
): Rule {
  return { name: `exec-${stepId}`, match: { contains: `Your step: ${stepId}:` }, reply, ...extra };
}

/**
 * The full run the engine is judged on: plan (s1 write, s2 summary), s1 writes notes.md, the re-planner
 * swaps s2 for s3 (read it back), s3 reads the file, the re-planner finishes.
 */
export function fullRunScenario(): Scenario {
  return {
    description: 'plan, write a file, re-plan, read it back, finish',
    rules: [
      planRule([
        { id: 's1', title: 'Write notes', instructions: 'Write "hello from s1" to notes.md' },
        { id: 's2', title: 'Summarise notes', dependsOn: ['s1'] },
      ]),
      executorRule('s1', {
        toolCalls: [{ name: 'write_file', input: { path: 'notes.md', content: 'hello from s1' } }],
      }),
      executorRule('s1', { text: 'Wrote notes.md with the greeting.' }),
      continueRule(
        [
          {
            id: 's3',
            title: 'Check notes',
            instructions: 'Read notes.md and report what it says',
            dependsOn: ['s1'],
          },
        ],
        'A summary is not needed; checking the file is enough.',
      ),
      executorRule('s3', { toolCalls: [{ name: 'read_file', input: { path: 'notes.md' } }] }),
      executorRule('s3', { text: 'notes.md says: hello from s1' }),
      finishRule('The notes say "hello from s1".'),
    ],
  };
}
