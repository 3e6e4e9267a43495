// The operations console in a real browser (CONTRACT §13): Debian's Chromium, headless, against
// the running service with live data — uploads accepted and failed, uploads shed, a batch waiting
// in the queue, a dead letter, job runs. One browser for the file, a fresh context and page per
// test, and no test may leave a console error behind. With UPDATE_CONSOLE_SCREENSHOT=1 the first
// test also writes the README's screenshot (src/http/console/screenshot.png).
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { batch, heartRate, upload } from '../../support/batches.ts';
import { launchBrowser, openPage, type WatchedPage } from '../../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { seedDeadLetter } from '../../support/outbox.ts';
import { until } from '../../support/poll.ts';
import { startTestService, type TestService } from '../../support/service.ts';

// The callbacks given to page.evaluate / waitForFunction run in the browser; the server's type
// library has no DOM, so the little of it they use is declared here.
interface PageElement {
  textContent: string | null;
  id: string;
  dataset: Record<string, string | undefined>;
  tagName: string;
}
declare const document: { querySelector(selector: string): PageElement | null; activeElement: PageElement | null; body: PageElement };
declare const sessionStorage: { length: number };
declare function getComputedStyle(element: PageElement): { outlineStyle: string };

const KEY = 'console-browser-key';
const SCREENSHOT = join(import.meta.dir, '..', '..', '..', 'src', 'http', 'console', 'screenshot.png');
/** the browser's own console line for a request the server refused on purpose */
const REFUSED_401 = /Failed to load resource: the server responded with a status of 401/;

let database: TestDatabase;
let service: TestService;
let browser: Browser;
let deadLetterId: number;
/** the user whose uploads and import the page shows */
let user: string;
let watched: WatchedPage | null = null;

const PAINTED_MINUTES = 4;

/** For the README's screenshot only: minutes of uploads at a varying pace, so the charts have a shape. */
async function paintedMinutes(token: string) {
  const until = Date.now() + PAINTED_MINUTES * 60_000;
  for (let i = 0; Date.now() < until; i++) {
    // under the queue threshold (5 items): inline, so the one queued batch stays the only one
    const size = 1 + Math.round(1.4 * (1 + Math.sin(i / 6)));
    const failing = i % 5 === 0 ? [heartRate({ unit: 'parsec' })] : i % 7 === 0 ? [heartRate({ value: 900 })] : [];
    await upload(service.baseUrl, token, batch([...Array.from({ length: size }, () => heartRate()), ...failing]));
    if (i % 70 === 35) await Promise.all(Array.from({ length: 16 + (i % 3) * 8 }, () => upload(service.baseUrl, token, batch([heartRate()]))));
    await Bun.sleep(250); // pacing the load, not waiting for a condition
  }
}

async function generateTraffic() {
  user = crypto.randomUUID();
  const token = await service.token(user);
  if (process.env.UPDATE_CONSOLE_SCREENSHOT) await paintedMinutes(token);
  // uploads shed: more at once than MAX_INFLIGHT_UPLOADS=1 lets in; first, so their bucket has
  // settled by the time the page asks
  await until(
    async () => {
      const replies = await Promise.all(Array.from({ length: 24 }, () => upload(service.baseUrl, token, batch([heartRate(), heartRate()]))));
      return replies.filter((reply) => reply.status === 503).length;
    },
    (shed) => shed > 0,
    20_000,
    'an upload shed',
  );
  // accepted and failed samples (inline)
  for (let i = 0; i < 6; i++) {
    const samples = Array.from({ length: 3 }, (_, j) => heartRate({ value: 60 + i + j }));
    const reply = await upload(service.baseUrl, token, batch([...samples, heartRate({ unit: 'parsec' })]));
    expect(reply.status).toBe(207);
  }
  // one batch at the queue threshold waits in the queue: no worker runs in this file
  expect((await upload(service.baseUrl, token, batch(Array.from({ length: 5 }, () => heartRate())))).status).toBe(202);
  // and so does an import: queued, shown in the imports panel
  const csv = 'sourceId,sourceRecordId,metricCode,startAt,value,unit\r\nwatch,r1,heart_rate,2026-11-20T07:15:00Z,72,count/min\r\n';
  const imported = await fetch(`${service.baseUrl}/api/v1/health/imports/csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(imported.status).toBe(202);
  // a job run, so the jobs panel has a last run
  const run = await fetch(`${service.baseUrl}/admin/jobs/soft-delete-purger/run`, { method: 'POST', headers: { 'x-api-key': KEY } });
  expect(run.status).toBe(200);
}

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 20 });
  // the dead letter is made before the outbox processor starts, so it stays dead until replayed
  deadLetterId = await seedDeadLetter(database.sql, crypto.randomUUID());
  service = await startTestService({
    database,
    outbox: true,
    env: { ADMIN_API_KEYS: KEY, INGEST_QUEUE_THRESHOLD: '5', MAX_INFLIGHT_UPLOADS: '1' },
  });
  await generateTraffic();
  browser = await launchBrowser();
}, (PAINTED_MINUTES + 2) * 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await database?.drop();
});

afterEach(async () => {
  const errors = watched?.errors() ?? [];
  await watched?.close();
  watched = null;
  expect(errors).toEqual([]);
});

async function open(options: { expected?: RegExp[]; base?: string } = {}): Promise<Page> {
  watched = await openPage(browser, options);
  await watched.page.goto(`${options.base ?? service.baseUrl}/admin/console`);
  return watched.page;
}

async function signIn(page: Page, key = KEY) {
  await page.getByLabel('Admin API key').fill(key);
  await page.getByRole('button', { name: 'Open the console' }).click();
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('the operations console', () => {
  test('asks for the key, then shows every panel with live data', async () => {
    const page = await open();
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('#panels').isVisible()).resolves.toBe(false);
    await signIn(page);

    // jobs: every built-in job, the purger with the run made above
    await page.locator('#jobs tbody tr').nth(2).waitFor();
    expect(await page.locator('#jobs tbody tr').count()).toBe(4);
    await expect(text(page, '#jobs tbody tr:has-text("soft-delete-purger") .last-run')).resolves.toContain('succeeded');
    // queue: the waiting batch and its age
    await page.waitForFunction(() => Number(document.querySelector('#queues .stat dd')?.textContent) >= 1);
    await expect(text(page, '#queues')).resolves.toMatch(/oldest waiting\s+\d+ (s|min)/i);
    // outbox: the dead letter with its error
    await page.locator('#outbox tbody tr').first().waitFor();
    await expect(text(page, '#outbox tbody')).resolves.toContain('projection failed: simulated by the test');
    await expect(text(page, '#outbox .stats')).resolves.toMatch(/dead letters\s+1/i);
    // rates: accepted, failed by code and shed, once their buckets have settled (≤ 7 s)
    const totalOf = (series: string) =>
      page.locator(`.chart[data-series="${series}"] .chart-sub`).innerText().then((sub) => Number(/· ([\d,]+) in 15 min/.exec(sub)?.[1]?.replaceAll(',', '') ?? 0));
    // each series settles on its own refresh: wait for each (a bucket still open shows part of it)
    await until(() => totalOf('shed'), (n) => n > 0, 20_000, 'shed uploads charted');
    await until(() => totalOf('accepted'), (n) => n >= 18, 10_000, 'accepted samples charted');
    await until(() => totalOf('failed'), (n) => n >= 6, 10_000, 'failed samples charted');
    await expect(text(page, '.chart[data-series="failed"] .codes')).resolves.toContain('UNIT_NORMALIZATION_FAILED');
    expect(await page.locator('.chart[data-series="accepted"] svg path.line').getAttribute('d')).toMatch(/^M[\d.,L]+$/);
    // imports and webhooks: what this build has
    await expect(text(page, '#imports')).resolves.toContain(`csv · user ${user.slice(0, 8)}`);
    await expect(text(page, '#imports')).resolves.toContain('queued');
    await expect(text(page, '#webhooks')).resolves.toContain('No webhook endpoint is registered');
    // the refreshed status line
    await expect(text(page, '#refresh-status')).resolves.toMatch(/^Updated \d\d:\d\d:\d\d/);

    const png = await page.screenshot({ fullPage: true, path: process.env.UPDATE_CONSOLE_SCREENSHOT ? SCREENSHOT : join(tmpdir(), `console-${process.pid}.png`) });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  test('keeps the key for the tab: a reload goes straight to the panels', async () => {
    const page = await open();
    await signIn(page);
    await page.locator('#jobs tbody tr').first().waitFor();
    await page.reload();
    await page.locator('#jobs tbody tr').first().waitFor();
    await expect(page.locator('#sign-in').isVisible()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Forget key' }).click();
    await expect(page.locator('#sign-in').isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  test('run now runs the job and its last run changes', async () => {
    const page = await open();
    await signIn(page);
    const row = page.locator('#jobs tbody tr:has-text("retention")');
    await row.waitFor();
    await page.waitForFunction(() => document.querySelector('#jobs tbody tr[data-key="retention"] .last-run')?.textContent !== '');
    const before = await row.locator('.last-run').innerText();
    await row.getByRole('button', { name: 'Run retention now' }).click();
    const outcome = page.locator('#jobs [role="status"]').filter({ hasText: /^retention (succeeded|failed|was skipped|could not)/ });
    await outcome.waitFor();
    expect(await outcome.innerText()).toStartWith('retention succeeded');
    await until(() => row.locator('.last-run').innerText(), (after) => after !== before && after.includes('succeeded'), 10_000, 'the last run shown');
  });

  // before the replay test: a disabled "Replay all" (no dead letter left) takes no focus
  test('the keyboard alone signs in and reaches every action, with a visible focus', async () => {
    const page = await open();
    // the key field has the focus on arrival
    await page.keyboard.type(KEY);
    await page.keyboard.press('Enter');
    await page.locator('#jobs tbody tr').nth(2).waitFor();
    // signing in moves the focus to <main> once every panel has loaded; Tab from there (tabbing
    // before it raced the move: <main>, which takes the focus without an outline, was then seen)
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    const reached = new Set<string>();
    for (let i = 0; i < 40 && !(reached.has('run-now') && reached.has('replay-all') && reached.has('board')); i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement;
        if (!element || element === document.body) return null;
        const outline = getComputedStyle(element).outlineStyle;
        return { action: element.dataset.action ?? (element.id === 'board-link' ? 'board' : element.tagName), outline };
      });
      if (!focused) continue;
      expect(focused.outline).not.toBe('none');
      reached.add(focused.action);
      if (focused.action === 'run-now' && !reached.has('ran')) {
        await page.keyboard.press('Enter');
        await page.locator('#jobs [role="status"]').filter({ hasText: /succeeded|skipped/ }).waitFor();
        reached.add('ran');
      }
    }
    expect([...reached]).toEqual(expect.arrayContaining(['board', 'run-now', 'ran', 'replay-all']));
  });

  test('replay moves the dead letter back into the outbox', async () => {
    const page = await open();
    await signIn(page);
    const row = page.locator(`#outbox tbody tr[data-key="${deadLetterId}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: `Replay dead letter ${deadLetterId} (health.samples.changed)` }).click();
    await page.locator('#outbox [role="status"]').filter({ hasText: '1 dead letter put back in the outbox.' }).waitFor();
    await row.waitFor({ state: 'detached' });
    await expect(text(page, '#outbox')).resolves.toContain('No dead letters.');
    const [event] = await database.sql.unsafe('SELECT status FROM outbox_events WHERE id = $1', [deadLetterId]);
    expect(['pending', 'processed']).toContain(event!.status);
  });

  test('a wrong key is refused with a message, and nothing is kept', async () => {
    const page = await open({ expected: [REFUSED_401] });
    await signIn(page, 'not-the-key');
    await page.locator('#key-error').filter({ hasText: 'This key was refused' }).waitFor();
    await expect(page.locator('#panels').isVisible()).resolves.toBe(false);
    expect(await page.getByLabel('Admin API key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  test('with no key configured the page says the admin endpoints are disabled', async () => {
    const closed = await startTestService();
    try {
      const page = await open({ base: closed.baseUrl, expected: [REFUSED_401] });
      await signIn(page, KEY);
      await page.locator('#key-error').filter({ hasText: 'Admin endpoints are disabled on this server: no admin key is configured' }).waitFor();
    } finally {
      await closed.close();
    }
  });

  test('Bull Board opens from the console, behind its cookie', async () => {
    const page = await open();
    await signIn(page);
    await page.locator('#jobs tbody tr').first().waitFor();
    const [board] = await Promise.all([watched!.context.waitForEvent('page'), page.getByRole('link', { name: /Bull Board/ }).click()]);
    await board.waitForLoadState();
    await board.getByText('health-ingest-batch').first().waitFor();
    await board.close();
    // a browser that never opened the console gets no board
    const stranger = await openPage(browser, { expected: [REFUSED_401] });
    try {
      const response = await stranger.page.goto(`${service.baseUrl}/admin/queues/board/`);
      expect(response?.status()).toBe(401);
      expect(stranger.errors()).toEqual([]);
    } finally {
      await stranger.close();
    }
  });
});
