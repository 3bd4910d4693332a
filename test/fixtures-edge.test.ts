/**
 * Recording edge cases: an upstream that cuts its stream short is recorded as truncated and replays as
 * cut; Runware's authentication task and every form of the key are redacted; recordings loaded from a
 * folder answer through MSW handlers and the fetch drop-in as they do through the server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { setupServer } from 'msw/node';
import { startServer, type RunningServer } from '../src/adapters/node-server.js';
import { createFetch } from '../src/adapters/fetch.js';
import { createMswHandlers, drainMockedClones } from '../src/adapters/msw.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { createFixtureSource } from '../src/fixtures/source.js';
import { loadFixtures } from '../src/fixtures/node-load.js';
import { createRecorder, redactExchange } from '../src/fixtures/node-record.js';
import { startFakeUpstream, type FakeUpstream } from './support/fake-upstream.js';

const KEY = `sk-ant-api03-edge${Date.now()}`;
const ask = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Cut me short' }] };
let dir: string;
let upstream: FakeUpstream;
const servers: RunningServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'standin-edge-'));
  upstream = await startFakeUpstream(KEY, 10, { cutAfter: 4 });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function serve(record: boolean) {
  const fixtures = createFixtureSource(record ? undefined : await loadFixtures(dir), { onMiss: record ? 'record' : 'error' });
  if (record) fixtures.setRecorder(createRecorder({ dir, upstreams: { anthropic: upstream.url }, source: fixtures }));
  const server = await startServer(createStandin({ documents: await loadDocuments(['anthropic']), fixtures }), { port: 0 });
  servers.push(server);
  return new Anthropic({ apiKey: KEY, baseURL: `${server.url}/anthropic`, maxRetries: 0 });
}

async function eventsUntilFailure(client: Anthropic) {
  const seen: string[] = [];
  let failed = false;
  try {
    for await (const event of await client.messages.create({ ...ask, stream: true })) seen.push(event.type);
  } catch {
    failed = true;
  }
  return { seen, failed };
}

it('an upstream stream cut short is recorded as truncated and replays as the same cut stream', async () => {
  const live = await eventsUntilFailure(await serve(true));
  expect(live.seen).toHaveLength(4);
  expect(live.failed).toBe(true);
  // The file is written once the relay has seen the end.
  let files: string[] = [];
  for (let i = 0; i < 50 && files.length === 0; i++) {
    files = await readdir(join(dir, 'anthropic')).catch(() => []);
    if (!files.length) await new Promise((r) => setTimeout(r, 20));
  }
  const saved = JSON.parse(await readFile(join(dir, 'anthropic', files[0]!), 'utf8'));
  expect(saved.exchanges[0].truncated).toBe(true);
  expect(saved.exchanges[0].upstreamError).toMatch(/stream broke/);
  const replayed = await eventsUntilFailure(await serve(false));
  expect(replayed).toEqual(live);
  expect(replayed.seen).not.toContain('message_stop');
});

it('redacts the Runware authentication task, credential and account headers, and the key anywhere else', () => {
  const text = redactExchange(
    {
      request: {
        method: 'POST',
        path: '/v1',
        headers: { authorization: `Bearer ${KEY}`, cookie: 'a=b', 'x-custom-echo': encodeURIComponent(KEY) },
        body: [{ taskType: 'authentication', apiKey: KEY }, { taskType: 'textInference', taskUUID: 'x', model: 'm', messages: [{ role: 'user', content: `my key is ${KEY}` }] }],
      },
      response: { status: 200, headers: { 'set-cookie': 'sid=1', 'anthropic-organization-id': 'org-1', 'x-runware-account-id': 'acct-9' }, body: { echo: Buffer.from(`user:${KEY}`).toString('base64') } },
    },
    [KEY],
  );
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(encodeURIComponent(KEY));
  expect(text).not.toContain(Buffer.from(`user:${KEY}`).toString('base64').slice(8, 30));
  for (const leak of ['a=b', 'sid=1', 'org-1', 'acct-9']) expect(text).not.toContain(leak);
  expect(JSON.parse(text).request.body[0]).toEqual({ taskType: 'authentication', apiKey: '[REDACTED]' });
});

it('recordings loaded from a folder answer through MSW handlers and the fetch drop-in', async () => {
  const engine = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root', fixtures: await loadFixtures(dir), fixtureOptions: { onMiss: 'error' } });
  const msw = setupServer(...createMswHandlers(engine, 'https://api.anthropic.com'));
  msw.listen({ onUnhandledRequest: 'error' });
  drainMockedClones(msw);
  try {
    const viaMsw = await eventsUntilFailure(new Anthropic({ apiKey: KEY, maxRetries: 0 }));
    const viaFetch = await eventsUntilFailure(new Anthropic({ apiKey: KEY, baseURL: 'http://standin', fetch: createFetch(engine), maxRetries: 0 }));
    expect(viaMsw).toEqual({ seen: ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta'], failed: true });
    expect(viaFetch).toEqual(viaMsw);
  } finally {
    msw.close();
  }
});

it("the contract suite's recordings in fixtures/ load as fixtures and replay (one recorded format)", async () => {
  const repoFixtures = new URL('../fixtures/', import.meta.url).pathname;
  const set = await loadFixtures(repoFixtures);
  expect(new Set(set.recorded.map((r) => r.provider))).toEqual(new Set(['skillboss', 'bytespike', 'anthropic', 'aigateway', 'runware']));
  const engine = createStandin({ documents: await loadDocuments(['anthropic']), fixtures: set, fixtureOptions: { onMiss: 'error' } });
  const recorded = set.recorded.find((r) => r.provider === 'anthropic' && r.label.endsWith('#countTokens.json'))!;
  const res = await engine.fetch(
    new Request('http://standin/anthropic/v1/messages/count_tokens', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(recorded.entry.request.body) }),
  );
  expect(res.headers.get('x-standin-fixture')).toBe('anthropic/anthropic.exchanges.json#countTokens.json');
  expect(await res.text()).toBe(recorded.entry.response.text);
});

it('Runware replays match whatever taskUUID and key the new request has, and echo its taskUUID', async () => {
  const old = '0b6e3c1a-1111-4222-8333-444455556666';
  const task = (taskUUID: string, extra: Record<string, unknown> = {}) => ({ taskType: 'textInference', taskUUID, model: 'anthropic:claude@haiku-4.5', messages: [{ role: 'user', content: 'Recorded Runware' }], ...extra });
  const set = {
    format: 'standin-exchanges/1',
    provider: 'runware',
    exchanges: [
      {
        request: { method: 'POST', path: '/v1', body: [{ taskType: 'authentication', apiKey: '[REDACTED]' }, task(old)] },
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: { data: [{ taskType: 'textInference', taskUUID: old, status: 'success', text: 'From the recording', finishReason: 'stop' }] } },
      },
      {
        request: { method: 'POST', path: '/v1', body: [task(old, { deliveryMethod: 'stream' })] },
        response: { status: 200, headers: { 'content-type': 'text/event-stream' }, frames: [{ at: 5, text: `data: ${JSON.stringify({ taskUUID: old, delta: { text: 'From' } })}\n\n` }, { at: 9, text: `data: ${JSON.stringify({ taskUUID: old, taskType: 'textInference', text: 'From', finishReason: 'stop' })}\n\n` }] },
      },
    ],
  };
  const { fixtureSetOf } = await import('../src/fixtures/parse.js');
  const engine = createStandin({ documents: await loadDocuments(['runware']), fixtures: fixtureSetOf('runware/set.json', set), fixtureOptions: { onMiss: 'error' } });
  const post = (body: unknown[]) => engine.fetch(new Request('http://standin/runware/v1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const fresh = crypto.randomUUID();
  const inline = (await (await post([{ taskType: 'authentication', apiKey: 'rw-another-key' }, task(fresh)])).json()) as { data: { taskUUID: string; text: string }[] };
  expect(inline.data[0]).toMatchObject({ taskUUID: fresh, text: 'From the recording' });
  const streamed = await (await post([{ taskType: 'authentication', apiKey: 'rw-another-key' }, task(fresh, { deliveryMethod: 'stream' })])).text();
  expect(streamed).toContain(fresh);
  expect(streamed).not.toContain(old);
});

it('a recorded 401 never shadows the success recorded for the same body (standin authenticates first)', async () => {
  const set = await loadFixtures(new URL('../fixtures/', import.meta.url).pathname);
  const ok = set.recorded.find((r) => r.provider === 'anthropic' && r.label.endsWith('#createMessage.json'))!;
  expect(set.recorded.some((r) => r.key === ok.key && r.entry.response.status === 401)).toBe(true);
  const engine = createStandin({ documents: await loadDocuments(['anthropic']), fixtures: set, fixtureOptions: { onMiss: 'error' } });
  for (let i = 0; i < 3; i++) {
    const res = await engine.fetch(
      new Request('http://standin/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(ok.entry.request.body) }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-standin-fixture')).toBe('anthropic/anthropic.exchanges.json#createMessage.json');
  }
});
