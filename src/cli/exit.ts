import { WorkflowFailedError } from '@temporalio/client';
import {
  CommandRejectedError,
  InvalidInputError,
  NoServerError,
  PlanRunsError,
  RunEndedError,
  RunFailedError,
  RunNotFoundError,
} from '../client/errors';
import { ConfigError } from '../config';
import { safeText } from './terminal-safe';
import { UsageError } from './usage-error';

/**
 * Run a command's main and exit with its code. Errors become one clear line on stderr: exit code 2 for
 * bad usage, configuration or input (nothing was sent), 1 for anything the server or the run refused.
 */
export function runCommand(main: () => Promise<number>): void {
  main()
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(describeCommandError(err));
      const nothingSent =
        err instanceof UsageError || err instanceof ConfigError || err instanceof InvalidInputError;
      process.exit(nothingSent ? 2 : 1);
    });
}

/** What the person sees; the run's own words (which may quote a person or a model) are made terminal-safe. */
export function describeCommandError(err: unknown): string {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof InvalidInputError) {
    return safeText(err.message, { multiline: true });
  }
  if (err instanceof CommandRejectedError) return `Rejected: ${safeText(err.reason)}`;
  if (err instanceof RunEndedError) {
    return `The run ${safeText(err.workflowId)} has already ended${err.status ? ` (status: ${err.status})` : ''}; it takes no more commands.`;
  }
  if (err instanceof RunNotFoundError) {
    return `No such run: ${safeText(err.workflowId)} (check the id with \`npm run agent -- list\`)`;
  }
  if (err instanceof RunFailedError) return `Run failed: ${safeText(err.message)}`;
  if (err instanceof NoServerError || err instanceof PlanRunsError) return safeText(err.message);
  if (err instanceof WorkflowFailedError) return `Run failed: ${safeText(err.cause?.message ?? err.message)}`;
  return safeText(err instanceof Error ? err.message : String(err));
}
