import { WorkflowFailedError } from '@temporalio/client';

/** The message chain of a failed workflow, outermost first, for asserting what a user would read. */
export async function failureOf(promise: Promise<unknown>): Promise<{ messages: string[]; types: string[] }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const messages: string[] = [];
    const types: string[] = [];
    let current: unknown = err.cause;
    while (current instanceof Error) {
      messages.push(current.message);
      const type = (current as { type?: unknown }).type;
      if (typeof type === 'string') types.push(type);
      current = current.cause;
    }
    return { messages, types };
  }
  throw new Error('expected the workflow to fail, but it completed');
}
