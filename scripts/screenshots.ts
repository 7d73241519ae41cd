/**
 * `npm run screenshots`: regenerates the README's pictures of the Temporal Web UI (docs/images/web-ui-*.png)
 * from real runs: a dev server with its UI, the fake model server playing the demo scenario, a run that
 * finished and one waiting for approval, photographed by headless Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium). Nothing is kept but the pictures.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { installWorkerRuntime } from '../src/telemetry/worker-metrics';
import { openBrowser, startUiDemo } from './web-ui';

const IMAGES = path.resolve(__dirname, '..', 'docs', 'images');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

async function tab(page: Page, url: string, name: string, waitFor: string): Promise<void> {
  await page.goto(url);
  if (name) await page.getByRole('link', { name }).or(page.getByRole('tab', { name })).first().click();
  const target = page.getByText(waitFor).filter({ visible: true }).first();
  await target.waitFor();
  // What the picture is about in the middle of it (the event list is longer than the window).
  // (A string: this project's types have no DOM.)
  await target.evaluate('(el) => el.scrollIntoView({ block: "center" })');
  // Let the timeline and the markdown frames finish drawing.
  await page.waitForTimeout(1_500);
}

async function main(): Promise<void> {
  installWorkerRuntime({ logger: quiet, env: {} });
  const demo = await startUiDemo();
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    const shots: [file: string, url: string, tab: string, waitFor: string][] = [
      ['web-ui-timeline.png', demo.finished.url, '', 'replanner • re-plan 1'],
      ['web-ui-event-history.png', demo.finished.url, 'Event History', 'execute s1, turn 2'],
      ['web-ui-current-details.png', demo.waiting.url, 'User Metadata', 'Current Details'],
      ['web-ui-search-attributes.png', demo.finished.url, 'Search Attributes', '"AgentStatus"'],
      [
        'web-ui-waiting-for-people.png',
        `${demo.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('AgentNeedsPerson = true')}`,
        '',
        demo.waiting.workflowId,
      ],
    ];
    for (const [file, url, name, waitFor] of shots) {
      await tab(page, url, name, waitFor);
      await page.screenshot({ path: path.join(IMAGES, file) });
      console.log(`docs/images/${file}`);
    }
  } finally {
    await browser.close();
    await demo.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
