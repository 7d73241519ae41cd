/** `npm run fake-model -- --scenario FILE [--port N]`: the fake model server on its own, for trying things without a key. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FakeModelServer } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scenario: { type: 'string' }, port: { type: 'string', default: '8787' } },
  });
  if (!values.scenario) {
    throw new Error('Usage: npm run fake-model -- --scenario examples/scenarios/demo.json [--port 8787]');
  }
  let scenario: unknown;
  try {
    scenario = JSON.parse(readFileSync(values.scenario, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read scenario ${values.scenario}: ${(err as Error).message}`);
  }
  const server = new FakeModelServer(scenario as never);
  const url = await server.start(Number(values.port));
  console.log(`Fake model server on ${url} (scenario ${values.scenario})`);
  console.log(`  ANTHROPIC_BASE_URL=${url}`);
  console.log(`  OPENAI_BASE_URL=${url}/v1`);
  console.log(`  requests so far: GET ${url}/_fake/requests`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
