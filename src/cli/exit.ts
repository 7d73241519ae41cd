import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ConfigError } from '../config';
import { UsageError } from './run-input';

/**
 * Run a command's main and exit with its code. Errors become one clear line on stderr: exit code 2 for
 * bad usage or configuration (nothing was started), 1 for anything the server or the run refused.
 */
export function runCommand(main: () => Promise<number>): void {
  main()
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(describeCommandError(err));
      process.exit(err instanceof UsageError || err instanceof ConfigError ? 2 : 1);
    });
}

export function describeCommandError(err: unknown): string {
  if (err instanceof UsageError || err instanceof ConfigError) return err.message;
  if (err instanceof WorkflowUpdateFailedError) return `Rejected: ${err.cause?.message ?? err.message}`;
  if (err instanceof WorkflowFailedError) return `Run failed: ${err.cause?.message ?? err.message}`;
  if (err instanceof WorkflowNotFoundError) {
    return /already completed/.test(err.message)
      ? `The run ${err.workflowId ?? ''} has already ended; it takes no more commands.`
      : `No such run: ${err.workflowId ?? ''} (check the id with \`npm run agent -- list\`)`;
  }
  return err instanceof Error ? err.message : String(err);
}
