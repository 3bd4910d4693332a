/** Sessions scope state, `/_standin/reset` clears it, the clock moves, and control endpoints stay same-origin. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { sampleRequests } from './support/sample-requests.js';

let engine: Engine;
beforeAll(async () => {
  engine = createStandin({ documents: await loadDocuments(['anthropic']) });
});

function send(headers: Record<string, string> = {}): Promise<Response> {
  const sample = sampleRequests.anthropic!;
  return engine.fetch(
    new Request('http://standin.test/anthropic/v1/messages', {
      method: 'POST',
      headers: { ...sample.headers, ...headers },
      body: JSON.stringify(sample.body),
    }),
  );
}

function control(path: string, init: RequestInit = {}): Promise<Response> {
  return engine.fetch(new Request(`http://standin.test/_standin/${path}`, init));
}

describe('sessions', () => {
  it('count fail-first attempts per session, so each session sees its own first attempt fail', async () => {
    const prefer = { prefer: 'code=529, fail-first=1' };
    expect((await send({ ...prefer, 'x-standin-session': 'run-a' })).status).toBe(529);
    expect((await send({ ...prefer, 'x-standin-session': 'run-a' })).status).toBe(200);
    expect((await send({ ...prefer, 'x-standin-session': 'run-b' })).status).toBe(529);
    expect((await send({ ...prefer, 'x-standin-session': 'run-b' })).status).toBe(200);
  });

  it('forget a session on POST /_standin/reset naming it, and only that session', async () => {
    const prefer = { prefer: 'code=529, fail-first=1' };
    await send({ ...prefer, 'x-standin-session': 'keep' });
    await send({ ...prefer, 'x-standin-session': 'clear-me' });
    const reset = await control('reset', { method: 'POST', body: JSON.stringify({ session: 'clear-me' }) });
    expect(reset.status).toBe(200);
    expect((await send({ ...prefer, 'x-standin-session': 'clear-me' })).status).toBe(529);
    expect((await send({ ...prefer, 'x-standin-session': 'keep' })).status).toBe(200);
  });

  it('refuses a reset body that is not JSON with a problem, not a crash', async () => {
    const reset = await control('reset', { method: 'POST', body: 'nope' });
    expect(reset.status).toBe(400);
    expect(reset.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('the clock', () => {
  it('moves forward by advanceMs and reports the new time', async () => {
    const before = ((await (await control('clock')).json()) as { now: number }).now;
    const moved = await control('clock', { method: 'POST', body: JSON.stringify({ advanceMs: 61_000 }) });
    const after = ((await moved.json()) as { now: number }).now;
    expect(after - before).toBeGreaterThanOrEqual(61_000);
    expect(after - before).toBeLessThan(71_000);
  });

  it('refuses a negative advance', async () => {
    expect((await control('clock', { method: 'POST', body: JSON.stringify({ advanceMs: -5 }) })).status).toBe(400);
  });

  it('is the clock the caller passes, when it passes one (a fleet worker told of every offset change)', async () => {
    let now = 1_000_000;
    const clock = { now: async () => now, advance: async (ms: number) => (now += ms) };
    const own = createStandin({ documents: await loadDocuments(['anthropic']), clock });
    const read = async (init?: RequestInit) => ((await (await own.fetch(new Request('http://standin.test/_standin/clock', init))).json()) as { now: number }).now;
    expect(await read()).toBe(1_000_000);
    expect(await read({ method: 'POST', body: JSON.stringify({ advanceMs: 5 }) })).toBe(1_000_005);
    expect(now).toBe(1_000_005);
  });
});

describe('control endpoints', () => {
  it('refuse a request from another origin and send no permissive CORS header', async () => {
    const res = await control('reset', { method: 'POST', body: '{}', headers: { origin: 'https://evil.example', host: 'standin.test' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serve a same-origin browser request', async () => {
    const res = await control('clock', { headers: { origin: 'http://standin.test', 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
  });

  it('answer an unknown control path with 404 problem+json', async () => {
    const res = await control('nothing-here');
    expect(res.status).toBe(404);
  });
});
