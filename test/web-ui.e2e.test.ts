/**
 * The Temporal Web UI as a person sees it, in a real browser (Debian's Chromium, driven by playwright-core),
 * on the dev server the project starts: for a finished run and a run waiting for approval, the run's summary,
 * its plan in the current details, the activities named by step and role, the search-attribute values, and
 * the list query that finds runs waiting for a person.
 *
 * What the UI shows for calls that ran as local activities (workflows/call-routing.ts): the Timeline draws
 * them as markers labelled with the activity type only ("executor"), while the Event History lists each as
 * "Local Activity" with its summary ("execute s1, turn 2"). The test asserts exactly that.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, startUiDemo, type Browser, type UiDemo } from '../scripts/web-ui';
import { installQuietRuntime } from './helpers/runtime';

const WAIT_MS = 30_000;
let demo: UiDemo;
let browser: Browser;
let page: Page;
let history: temporal.api.history.v1.IHistoryEvent[];

beforeAll(async () => {
  installQuietRuntime();
  demo = await startUiDemo();
  const connection = await Connection.connect({ address: demo.server.address });
  history =
    (await new Client({ connection }).workflow.getHandle(demo.finished.workflowId).fetchHistory()).events ??
    [];
  await connection.close();
  browser = await openBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(WAIT_MS);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** Wait until `where` shows every one of `texts` (as a person would read them), and return what it shows. */
async function shows(where: Locator, texts: string[]): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await where.innerText().catch(() => '');
    if (texts.every((t) => seen.includes(t))) return seen;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `The page never showed ${JSON.stringify(texts.filter((t) => !seen.includes(t)))}; it showed:\n${seen}`,
  );
}

/** The text a rendered markdown frame (summary, details, current details) shows. */
async function frameText(id: string, texts: string[]): Promise<string> {
  return shows(page.frameLocator(`#${id}`).locator('body'), texts);
}

function summaryOf(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const payload = event.userMetadata?.summary;
  return payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
}

async function openTab(url: string, tab: string): Promise<void> {
  await page.goto(url);
  await page
    .getByRole('link', { name: tab })
    .or(page.getByRole('tab', { name: tab }))
    .first()
    .click();
}

describe('a finished run', () => {
  it('shows its summary and its plan with every step, as it ended', async () => {
    await openTab(demo.finished.url, 'User Metadata');
    await frameText('user-metadata-summary', ['Plan-and-execute: Write a note about durable agents']);
    const details = await frameText('user-metadata-current-details', [
      'completed · plan v2',
      'steps done',
      'done s1 Draft the notes',
      'skipped s2 Polish the notes',
      'done s3 Check the notes',
      'Ended (answered): The notes were written and checked.',
    ]);
    expect(details).toMatch(/2.3 steps done/);
  });

  it('names each call by role and step: in the timeline, and local calls in the event history', async () => {
    const regular = history
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map(
        (e) => `${e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''} • ${summaryOf(e) ?? ''}`,
      );
    const local = history
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      .map((e) => summaryOf(e) ?? '');
    // The demo's first call of each kind is regular; fast later ones ran locally, the executor's turns of a
    // step (with its quick tool calls, and the re-plan asked ahead) in one local activity.
    expect(regular).toEqual(
      expect.arrayContaining([
        'planner • plan',
        'executor • execute s1, turn 1',
        'tool • write_file for s1',
        'replanner • re-plan 1',
      ]),
    );
    expect(local).toEqual(expect.arrayContaining(['list tools', 'execute s1, from turn 2']));

    await page.goto(demo.finished.url);
    const timeline = await shows(page.locator('main'), ['Timeline', ...regular]);
    // Local calls: a marker labelled with the activity type, without the summary.
    expect(timeline).not.toContain('execute s1, from turn 2');
    expect(timeline.split('\n').filter((line) => line.trim() === 'executorTurns').length).toBeGreaterThan(0);

    await openTab(demo.finished.url, 'Event History');
    await shows(page.locator('main'), [
      'Local Activity',
      ...local,
      ...regular.map((r) => r.split(' • ')[1] ?? ''),
    ]);
  });

  it('shows the search attributes the run kept up to date', async () => {
    await openTab(demo.finished.url, 'Search Attributes');
    await shows(page.locator('main'), [
      '"AgentStatus": "completed"',
      '"AgentNeedsPerson": false',
      '"AgentStepsDone": 2',
      '"AgentStepsPlanned": 2',
      '"AgentPlanVersion": 2',
      '"AgentModels": [',
    ]);
  });
});

describe('a run waiting for approval', () => {
  it('shows the plan waiting for a person, and what it waits for', async () => {
    await openTab(demo.waiting.url, 'User Metadata');
    await frameText('user-metadata-details', [
      'Goal: Write a note about durable agents',
      'waits for approval after planning',
    ]);
    const details = await frameText('user-metadata-current-details', [
      'awaiting_approval · plan v1',
      'pending s1 Draft the notes',
      'pending s2 Polish the notes',
    ]);
    expect(details).toMatch(/0.2 steps done/);
    await page.goto(demo.waiting.url);
    await shows(page.locator('main'), ['RUNNING', 'planner • plan']);
  });

  it('is found by the list query for runs waiting for a person, and the finished run is not', async () => {
    await openTab(demo.waiting.url, 'Search Attributes');
    await shows(page.locator('main'), ['"AgentStatus": "awaiting_approval"', '"AgentNeedsPerson": true']);

    await page.goto(
      `${demo.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('AgentNeedsPerson = true')}`,
    );
    const list = await shows(page.locator('main'), [demo.waiting.workflowId]);
    expect(list).not.toContain(demo.finished.workflowId);
  });
});
