import { z } from 'zod';
import { describeZodError, ReplannerOutputSchema } from '../workflows/schemas';

const problems = (value: unknown) => {
  const parsed = ReplannerOutputSchema.safeParse(value);
  return parsed.success ? '' : describeZodError(parsed.error);
};

describe('the re-planner’s answer', () => {
  it('must carry an answer when it finishes, and steps when it goes on', () => {
    expect(problems({ action: 'finish', reason: 'done', answer: '  ', remainingSteps: [] })).toBe(
      'answer: must not be empty when action is "finish"',
    );
    expect(problems({ action: 'continue', reason: 'more', answer: '', remainingSteps: [] })).toBe(
      'remainingSteps: must hold at least one step when action is "continue"',
    );
    expect(problems({ action: 'finish', reason: 'done', answer: 'yes', remainingSteps: [] })).toBe('');
  });

  it('names the root when the problem is the value itself', () => {
    const parsed = z.object({}).strict().safeParse('not an object');
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(describeZodError(parsed.error)).toMatch(/^\(root\): /);
  });
});
