// /docs in a real browser (Debian's Chromium): Swagger UI renders every operation of /docs/json
// from the script and style the service serves itself — no request leaves for another host.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from '../../support/browser.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;
let browser: Browser;

beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_API_KEYS: 'docs-page-key' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  await service.close();
});

test('Swagger UI renders every operation, loading nothing from another host', async () => {
  // Chromium's own request for /favicon.ico (the generated page links no icon) is the one 404:
  // every request the page makes is listed below and answered 200
  const watched = await openPage(browser, { expected: [/^error: Failed to load resource: the server responded with a status of 404/] });
  const failed: string[] = [];
  watched.page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  try {
    const requested: string[] = [];
    watched.page.on('request', (request) => requested.push(request.url()));
    await watched.page.goto(`${service.baseUrl}/docs`);
    await watched.page.waitForSelector('.opblock-summary-path');
    const spec = (await (await fetch(`${service.baseUrl}/docs/json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(spec.paths).reduce((sum, methods) => sum + Object.keys(methods).length, 0);
    expect(await watched.page.locator('.opblock').count()).toBe(operations);
    expect(requested.filter((url) => !url.startsWith(service.baseUrl) && !url.startsWith('data:'))).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([`${service.baseUrl}/docs/assets/swagger-ui-bundle.js`, `${service.baseUrl}/docs/json`]));
    expect(failed).toEqual([]);
    expect(watched.errors()).toEqual([]);
  } finally {
    await watched.close();
  }
});
