/**
 * Runs once before all suites: checks the Temporal CLI is there (with the fix if not) and makes sure the
 * cached workflow bundle exists, so no suite's worker spends seconds bundling.
 */
import { findTemporalCli } from '../../src/devserver/find-cli';
import { cachedWorkflowBundle } from '../../src/worker/bundle';

export default async function globalSetup(): Promise<void> {
  process.env.TEMPORAL_CLI_PATH = findTemporalCli();
  process.env.PE_WORKFLOW_BUNDLE = (await cachedWorkflowBundle()).codePath;
}
