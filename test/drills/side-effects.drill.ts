/**
 * Side-effect drills: a worker in its own process kills itself after a side-effecting tool has done its
 * effect and stored its result, before the server hears the call completed (the one moment the stored
 * results exist for), first after the built-in write_file, then, on the next worker, after the custom
 * place_order. The retried calls must return the stored results, with each effect done exactly once.
 * Prints its figures. The same drill, with one kill for both tools, runs in npm test
 * (test/side-effects.e2e.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../src/devserver/dev-server';
import { findTemporalCli } from '../../src/devserver/find-cli';
import { FakeModelServer } from '../../src/fake-model/server';
import {
  CHANGED_AFTER_KILL,
  runSideEffectDrill,
  SIDE_EFFECT_ANSWER,
  sideEffectScenario,
} from './side-effects';
import { PLACE_ORDER_TOOL } from './side-effect-tools';

let fake: FakeModelServer;
let server: DevServer;
let connection: Connection;
let tmp: string;
const rows: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-drill-once-'));
  fake = new FakeModelServer(sideEffectScenario(false));
  await fake.start();
  server = await startDevServer({
    cliPath: findTemporalCli(),
    port: await freePort(),
    dbFile: path.join(tmp, 'dev.db'),
    extraArgs: ['--log-level', 'error'],
  });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
  await fake?.stop();
  rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(
    [
      '',
      'Side-effect drills (worker killed after the tool stored its result, before the server heard)',
      `| ${'tool'.padEnd(24)} | kills | effect done | completed on attempt | stored result returned | answer |`,
      `|${'-'.repeat(26)}|-------|-------------|----------------------|------------------------|--------|`,
      ...rows,
      '',
    ].join('\n'),
  );
});

it('each side effect is done once, and each retry returns the stored result', async () => {
  const seen = await runSideEffectDrill({
    client: new Client({ connection }),
    address: server.address,
    fake,
    workspaceRoot: path.join(tmp, 'ws'),
    taskQueue: 'side-effect-drills',
    drillLog: path.join(tmp, 'drill.log'),
    workflowId: `drill-once-${Date.now()}`,
    kills: [['write_file'], [PLACE_ORDER_TOOL]],
  });
  const receipt = seen.ledgerLines[0]?.split(' ')[0] ?? '(none)';
  const writeOnce = seen.reportContent === CHANGED_AFTER_KILL;
  const orderStoredSeen =
    seen.stored.find((s) => s.tool === PLACE_ORDER_TOOL)?.content.includes(receipt) === true &&
    seen.orderResultSeenByModel?.includes(receipt) === true;
  const row = (tool: string, label: string, effects: number, returned: boolean) =>
    `| ${label.padEnd(24)} | ${String(seen.stored.filter((x) => x.tool === tool).length).padStart(5)} | ${String(effects).padStart(11)} | ${String(seen.completedOnAttempt[tool] ?? '-').padStart(20)} | ${(returned ? 'yes' : 'NO').padEnd(22)} | ${(seen.answer === SIDE_EFFECT_ANSWER ? 'right' : 'WRONG').padEnd(6)} |`;
  rows.push(row('write_file', 'write_file (built-in)', writeOnce ? 1 : 2, writeOnce));
  rows.push(row(PLACE_ORDER_TOOL, `${PLACE_ORDER_TOOL} (custom)`, seen.ledgerLines.length, orderStoredSeen));

  expect(seen.killSignals).toEqual(['SIGKILL', 'SIGKILL']);
  expect(seen.stored.map((s) => s.tool)).toEqual(['write_file', PLACE_ORDER_TOOL]);
  expect(seen.completedOnAttempt).toEqual({ write_file: 2, [PLACE_ORDER_TOOL]: 2 });
  expect(seen.answer).toBe(SIDE_EFFECT_ANSWER);
  expect(seen.reportContent).toBe(CHANGED_AFTER_KILL);
  expect(seen.ledgerLines).toHaveLength(1);
  expect(orderStoredSeen).toBe(true);
  expect(seen.modelKeysRepeated).toEqual([]);
});
