/**
 * `npm run build` ends here: the workflow bundles are built into the cache (the plain one and the one with
 * tracing's workflow interceptors), so no worker start bundles.
 */
import { WORKFLOW_TRACING_MODULE } from '../telemetry/tracing';
import { cachedWorkflowBundle } from './bundle';

async function main(): Promise<void> {
  for (const [what, modules] of [
    ['plain', []],
    ['traced', [WORKFLOW_TRACING_MODULE]],
  ] as const) {
    const { codePath, built } = await cachedWorkflowBundle(undefined, [...modules]);
    console.log(`Workflow bundle (${what}) ${built ? 'built' : 'already cached'}: ${codePath}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
