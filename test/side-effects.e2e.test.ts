/**
 * Side effects happen once, even when the worker dies at the worst moment: after a side-effecting tool
 * (the built-in write_file and a custom tool) has done its effect and stored its result, before the
 * server hears the call completed. The worker runs in its own process and kills itself at that moment
 * (test/drills/kill-after-store.ts); another worker gets the retried calls. `npm run drill` runs the same
 * drill with one kill per tool and prints its figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHarness, type Harness } from './helpers/harness';
import {
  CHANGED_AFTER_KILL,
  runSideEffectDrill,
  SIDE_EFFECT_ANSWER,
  sideEffectScenario,
  type SideEffectObservation,
} from './drills/side-effects';
import { PLACE_ORDER_TOOL } from './drills/side-effect-tools';

let h: Harness;
let tmp: string;
/** One run, one kill after both tools stored their results; each test below checks one promise. */
let seen: SideEffectObservation;

beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pe-once-'));
  h.fake.setScenario(sideEffectScenario(true));
  seen = await runSideEffectDrill({
    client: h.env.client,
    address: h.env.address,
    fake: h.fake,
    workspaceRoot: path.join(tmp, 'ws'),
    taskQueue: `once-${process.pid}`,
    drillLog: path.join(tmp, 'drill.log'),
    workflowId: `once-${Date.now()}`,
    kills: [['write_file', PLACE_ORDER_TOOL]],
  });
}, 120_000);
afterAll(async () => {
  await h?.shutdown();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a worker killed after side-effecting tools stored their results, before the server heard', () => {
  it('died at that moment, and the server retried both calls on the next worker', () => {
    expect(seen.killSignals).toEqual(['SIGKILL']);
    expect(seen.stored.map((s) => s.tool).sort()).toEqual([PLACE_ORDER_TOOL, 'write_file']);
    expect(seen.completedOnAttempt).toEqual({ write_file: 2, [PLACE_ORDER_TOOL]: 2 });
    expect(seen.answer).toBe(SIDE_EFFECT_ANSWER);
  });

  it('write_file: the retry returns the stored result and does not write the file again', () => {
    // The test changed the file after the kill; a second write would have put the old content back.
    expect(seen.reportContent).toBe(CHANGED_AFTER_KILL);
  });

  it('custom side-effecting tool: the order is placed once, and the executor sees its stored receipt', () => {
    expect(seen.ledgerLines).toHaveLength(1);
    const receipt = seen.ledgerLines[0]!.split(' ')[0]!;
    expect(seen.stored.find((s) => s.tool === PLACE_ORDER_TOOL)?.content).toContain(receipt);
    expect(seen.orderResultSeenByModel).toContain(receipt);
  });

  it('repeats no model call that had completed before the kill', () => {
    expect(seen.modelKeysRepeated).toEqual([]);
  });
});
