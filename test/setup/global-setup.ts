/**
 * Runs once before all suites: checks the Temporal CLI is there (with the fix if not) and makes sure the
 * cached workflow bundle exists, so no suite's worker spends seconds bundling. With `--coverage` it also
 * builds a bundle instrumented for coverage, for the suites' in-process workers (helpers/harness.ts);
 * workers in child processes keep the plain one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from 'jest';
import { findTemporalCli } from '../../src/devserver/find-cli';
import { cachedWorkflowBundle, WORKFLOWS_DIR } from '../../src/worker/bundle';
import { bundleWithCoverage, COVERAGE_BUNDLE_ENV } from '../helpers/workflow-coverage';

export default async function globalSetup(globalConfig: {
  collectCoverage?: Config['collectCoverage'];
}): Promise<void> {
  process.env.TEMPORAL_CLI_PATH = findTemporalCli();
  process.env.PE_WORKFLOW_BUNDLE = (await cachedWorkflowBundle()).codePath;
  if (globalConfig.collectCoverage) {
    const codePath = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'pe-bundle-')),
      'workflow-bundle-coverage.js',
    );
    const code = await bundleWithCoverage({
      workflowsPath: require.resolve(WORKFLOWS_DIR),
      logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
    });
    writeFileSync(codePath, code);
    process.env[COVERAGE_BUNDLE_ENV] = codePath;
  }
}
