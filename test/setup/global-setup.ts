/**
 * Runs once before all suites: checks the Temporal CLI is there (with the fix if not) and bundles the
 * workflow code once, so each suite's worker does not spend seconds re-bundling it. With `--coverage` it
 * also builds a bundle instrumented for coverage, for the suites' in-process workers (helpers/harness.ts);
 * workers in child processes keep the plain one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from 'jest';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { findTemporalCli } from '../../src/devserver/find-cli';
import { bundleWithCoverage, COVERAGE_BUNDLE_ENV } from '../helpers/workflow-coverage';

export default async function globalSetup(globalConfig: {
  collectCoverage?: Config['collectCoverage'];
}): Promise<void> {
  process.env.TEMPORAL_CLI_PATH = findTemporalCli();
  const options: BundleOptions = {
    workflowsPath: require.resolve('../../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-bundle-'));
  const write = (name: string, code: string): string => {
    const codePath = path.join(dir, name);
    writeFileSync(codePath, code);
    return codePath;
  };
  process.env.PE_WORKFLOW_BUNDLE = write('workflow-bundle.js', (await bundleWorkflowCode(options)).code);
  if (globalConfig.collectCoverage) {
    process.env[COVERAGE_BUNDLE_ENV] = write(
      'workflow-bundle-coverage.js',
      await bundleWithCoverage(options),
    );
  }
}
