/**
 * Runs once before all suites: checks the Temporal CLI is there (with the fix if not) and bundles the
 * workflow code once, so each suite's worker does not spend seconds re-bundling it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { findTemporalCli } from '../../src/devserver/find-cli';

export default async function globalSetup(): Promise<void> {
  process.env.TEMPORAL_CLI_PATH = findTemporalCli();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-bundle-'));
  const codePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(codePath, code);
  process.env.PE_WORKFLOW_BUNDLE = codePath;
}
