/**
 * The inspector in a real browser: Debian's Chromium driven by playwright-core, headless. After a plain
 * call, a stream, a 400 and a forced 429 the page lists them, shows the selected stream's events, shows
 * a new exchange without a reload, follows the filters, and raises no page error. CI (.ci/run sets
 * CI=1) installs Chromium and fails here without it; elsewhere the test is skipped with a message.
 * The screenshot goes to a temp dir, never into the repository.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/adapters/node-server.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type JournalEntry } from '../src/standin.js';
import { useServer } from './support/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
if (!haveChromium && !inCi) {
  console.warn(`inspector-browser.test.ts: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// A made-up key, assembled so no file holds a string shaped like a real one.
const KEY = ['sk-ant', 'api03', 'Fq7Wz9Vb3Nm5Rt2Yu8Ik4'].join('-');

describe('the inspector page needs Chromium', () => {
  it.runIf(!haveChromium && inCi)('is installed in CI', () => {
    expect.fail(`CI must have Chromium at ${CHROMIUM} (.ci/run installs it)`);
  });
});

describe.runIf(haveChromium)('the inspector page in headless Chromium', () => {
  const server = useServer(['anthropic']);
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const artefacts = mkdtempSync(join(tmpdir(), 'standin-inspector-'));
  const pageErrors: string[] = [];

  const call = async (body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });
    await res.text();
    return res.status;
  };
  const hello = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello inspector' }] };
  const rows = () => page.locator('#list tbody tr');

  beforeAll(async () => {
    expect(await call(hello, { 'x-standin-session': 'browser' })).toBe(200);
    expect(await call({ ...hello, stream: true }, { 'x-standin-session': 'browser' })).toBe(200);
    expect(await call({ model: 'claude-haiku-4-5', messages: [] }, { 'x-standin-session': 'browser' })).toBe(400);
    expect(await call(hello, { prefer: 'code=429', 'x-standin-session': 'browser' })).toBe(429);
    profileDir = mkdtempSync(join(tmpdir(), 'standin-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(`${server.url}/_standin/`);
  }, 60_000);

  afterAll(async () => {
    console.log(`inspector screenshots: ${artefacts}`);
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('lists the four exchanges, newest first, with their statuses', async () => {
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(4);
    expect(await page.locator('#list tbody tr td.status').allTextContents()).toEqual(['429', '400', '200', '200']);
    await expect.poll(() => page.locator('#live').textContent()).toBe('live');
  });

  it("shows a selected stream's events on a timeline, with the time to the first event", async () => {
    const journal = (await (await fetch(`${server.url}/_standin/journal?session=browser`)).json()) as { entries: JournalEntry[] };
    const streamed = journal.entries.find((e) => e.answer.stream)!;
    await rows().filter({ hasText: 'stream' }).click();
    const events = page.locator('#detail .events tbody tr');
    await expect.poll(() => events.count()).toBe(streamed.answer.stream!.events.length);
    expect(await events.first().locator('td').nth(2).textContent()).toBe('message_start');
    expect(await page.locator('#detail .ttfe').textContent()).toBe(`${streamed.answer.stream!.events[0]!.offsetMs} ms`);
    expect(await page.locator('#detail .track .tick').count()).toBe(streamed.answer.stream!.events.length);
    await page.screenshot({ path: join(artefacts, 'inspector-stream.png'), fullPage: true });
  });

  it('highlights why a 400 was refused', async () => {
    await rows().filter({ has: page.locator('td.status', { hasText: '400' }) }).click();
    const why = page.locator('#detail .why.problem');
    await expect.poll(() => why.textContent()).toMatch(/Refused \(invalid-request\).*max_tokens/);
  });

  it('shows a new exchange within a few seconds, without a reload', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    expect(await call(hello, { 'x-standin-session': 'late-arrival' })).toBe(200);
    await expect.poll(() => rows().count(), { timeout: 5_000 }).toBe(5);
    expect(await rows().first().locator('td').last().textContent()).toBe('late-arrival');
    expect(navigations).toEqual([]);
  });

  it('filters by status and session', async () => {
    await page.selectOption('#f-status', '4xx');
    expect(await page.locator('#list tbody tr td.status').allTextContents()).toEqual(['429', '400']);
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-session', 'late-arrival');
    expect(await rows().count()).toBe(1);
    await page.selectOption('#f-session', '');
  });

  it('follows the system colour scheme', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(dark).not.toBe(light);
    await page.screenshot({ path: join(artefacts, 'inspector-dark.png'), fullPage: true });
  });

  it('says so when the journal keeps nothing (--journal 0)', async () => {
    const keepsNone = createStandin({ documents: await loadDocuments(['anthropic']), journal: { capacity: 0 } });
    const running = await startServer(keepsNone, { port: 0 });
    const other = await context.newPage();
    try {
      other.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      await other.goto(`${running.url}/_standin/`);
      await expect.poll(() => other.locator('#empty').textContent(), { timeout: 10_000 }).toContain('--journal 0');
      expect(await other.locator('#empty').isVisible()).toBe(true);
    } finally {
      await other.close();
      await running.close();
    }
  });

  it('raised no page error and shows no key', async () => {
    expect(pageErrors).toEqual([]);
    expect(await page.content()).not.toContain(KEY);
  });
});
