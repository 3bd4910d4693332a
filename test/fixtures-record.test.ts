/**
 * Recording through the proxy and replaying: against a local fake upstream that streams slowly, the
 * client gets the first event before the upstream finishes; the files hold no key; a replay gives the
 * same events in the same order and the same JSON through the official SDKs; `--replay-speed 1` keeps
 * the recorded pace; `--on-miss error` fails loudly; identical requests replay in recorded order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startServer, type RunningServer } from '../src/adapters/node-server.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { createFixtureSource, type OnMiss } from '../src/fixtures/source.js';
import { loadFixtures } from '../src/fixtures/node-load.js';
import { createRecorder } from '../src/fixtures/node-record.js';
import { fixtureSetOf } from '../src/fixtures/parse.js';
import { readRecordings } from '../src/node/read-recordings.js';
import { ORG_ID, startFakeUpstream, type FakeUpstream } from './support/fake-upstream.js';

const KEY = `sk-ant-api03-${Math.random().toString(36).slice(2)}RecordMe${Date.now()}`;
const GAP_MS = 60;
const anthropicAsk = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Say something recorded' }], metadata: { user_id: 'user-1' } };
const openaiAsk = { model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user' as const, content: 'Say something recorded' }] };

let dir: string;
let upstream: FakeUpstream;
const servers: RunningServer[] = [];

async function serve(onMiss: OnMiss, replaySpeed = 0): Promise<string> {
  const set = await loadFixtures(dir).catch(() => ({ hand: [], recorded: [] }));
  const fixtures = createFixtureSource(set, { onMiss, replaySpeed });
  if (onMiss === 'record') fixtures.setRecorder(createRecorder({ dir, upstreams: { anthropic: upstream.url, aigateway: upstream.url }, source: fixtures }));
  const engine = createStandin({ documents: await loadDocuments(['anthropic', 'aigateway']), fixtures });
  const server = await startServer(engine, { port: 0 });
  servers.push(server);
  return server.url;
}

const anthropic = (base: string, maxRetries = 0) => new Anthropic({ apiKey: KEY, baseURL: `${base}/anthropic`, maxRetries });
const openai = (base: string) => new OpenAI({ apiKey: KEY, baseURL: `${base}/aigateway/v1`, maxRetries: 0 });

/** Every raw event of an Anthropic stream, with when it arrived. */
async function anthropicEvents(base: string, ask: object = anthropicAsk) {
  const start = Date.now();
  const events: { at: number; event: unknown }[] = [];
  const stream = await anthropic(base).messages.create({ ...anthropicAsk, ...ask, stream: true });
  for await (const event of stream) events.push({ at: Date.now() - start, event });
  return events;
}

async function openaiChunks(base: string) {
  const chunks: unknown[] = [];
  for await (const chunk of await openai(base).chat.completions.create({ ...openaiAsk, stream: true })) chunks.push(chunk);
  return chunks;
}

async function filesIn(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await filesIn(path)));
    else out.push(path);
  }
  return out;
}

let recorded: {
  anthropicStream: { at: number; event: unknown }[];
  anthropicJson: unknown;
  openaiStream: unknown[];
  openaiJson: unknown;
  firstEventAt: number;
  upstreamEndAt: number;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'standin-record-'));
  upstream = await startFakeUpstream(KEY, GAP_MS);
  const base = await serve('record');
  const start = Date.now();
  const anthropicStream = await anthropicEvents(base);
  recorded = {
    anthropicStream,
    firstEventAt: start + anthropicStream[0]!.at,
    upstreamEndAt: upstream.streamEnds[0]!,
    anthropicJson: await anthropic(base).messages.create(anthropicAsk),
    openaiStream: await openaiChunks(base),
    openaiJson: await openai(base).chat.completions.create(openaiAsk),
  };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('recording', () => {
  it('passes the stream on as it arrives: the first event reaches the client before the upstream finishes', () => {
    expect(recorded.anthropicStream.length).toBeGreaterThan(8);
    expect(recorded.firstEventAt).toBeLessThan(recorded.upstreamEndAt - 4 * GAP_MS);
  });

  it('writes one readable file per exchange under a folder per provider, with frames and their arrival times', async () => {
    const files = (await filesIn(dir)).map((f) => f.slice(dir.length + 1)).sort();
    expect(files).toHaveLength(4);
    expect(files.filter((f) => f.startsWith('anthropic/'))).toHaveLength(2);
    expect(files.filter((f) => f.startsWith('aigateway/'))).toHaveLength(2);
    expect(files.some((f) => /anthropic\/.*post-v1-messages-claude-haiku-4-5-stream\.json$/.test(f))).toBe(true);
    const stream = JSON.parse(await readFile(join(dir, files.find((f) => f.startsWith('anthropic/') && f.includes('-stream'))!), 'utf8'));
    expect(stream.format).toBe('standin-exchanges/1');
    const frames = stream.exchanges[0].response.frames as { at: number; text: string }[];
    expect(frames.length).toBe(recorded.anthropicStream.length);
    // Arrival offsets grow with the upstream's pace.
    expect(frames.at(-1)!.at - frames[0]!.at).toBeGreaterThanOrEqual((frames.length - 2) * GAP_MS * 0.8);
  });

  it('redacts at record time: no file holds the key, the org id or the cookie', async () => {
    const files = await filesIn(dir);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(13, 25));
      expect(text).not.toContain(ORG_ID);
      expect(text).toContain('[REDACTED]');
    }
  });
});

it('the contract suite reads the same files (standin contract --target DIR): one recorded format', async () => {
  const { exchanges, unreadable } = await readRecordings(dir, ['anthropic']);
  expect(unreadable).toEqual([]);
  expect(exchanges).toHaveLength(2);
  const stream = exchanges.find((x) => typeof x.response.text === 'string')!;
  expect(stream.request!.path).toBe('/v1/messages');
  expect(stream.response.text!.match(/^event: /gm)).toHaveLength(recorded.anthropicStream.length);
  expect(stream.response.text).toMatch(/event: message_stop\ndata: .*\n\n$/);
});

describe('replay', () => {
  it('gives event for event the same Anthropic stream, and the same JSON', async () => {
    const base = await serve('error');
    const replayed = await anthropicEvents(base);
    expect(replayed.map((e) => e.event)).toEqual(recorded.anthropicStream.map((e) => e.event));
    expect(await anthropic(base).messages.create(anthropicAsk)).toEqual(recorded.anthropicJson);
    const raw = await fetch(`${base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(anthropicAsk) });
    expect(raw.headers.get('x-standin-fixture')).toMatch(/^anthropic\/.*-json\.json#0$/);
    expect(raw.headers.get('request-id')).toBe('req_fake2');
  });

  it('matches whatever metadata.user_id and key order the new request has', async () => {
    const base = await serve('error');
    const reordered = { messages: anthropicAsk.messages, max_tokens: 64, model: 'claude-haiku-4-5', metadata: { user_id: 'someone-else' } };
    expect(await anthropic(base).messages.create(reordered)).toEqual(recorded.anthropicJson);
  });

  it('gives chunk for chunk the same OpenAI stream, and the same JSON', async () => {
    const base = await serve('error');
    expect(await openaiChunks(base)).toEqual(recorded.openaiStream);
    expect(await openai(base).chat.completions.create(openaiAsk)).toEqual(recorded.openaiJson);
  });

  it('--replay-speed 1 keeps the recorded pace; 0 sends at once', async () => {
    const recordedSpan = recorded.anthropicStream.at(-1)!.at - recorded.anthropicStream[0]!.at;
    const paced = await anthropicEvents(await serve('error', 1));
    const pacedSpan = paced.at(-1)!.at - paced[0]!.at;
    expect(pacedSpan).toBeGreaterThan(recordedSpan * 0.8);
    expect(pacedSpan).toBeLessThan(recordedSpan * 1.25 + 100);
    const double = await anthropicEvents(await serve('error', 2));
    const doubleSpan = double.at(-1)!.at - double[0]!.at;
    expect(doubleSpan).toBeGreaterThan(recordedSpan * 0.4);
    expect(doubleSpan).toBeLessThan(recordedSpan * 0.65 + 50);
    const fast = await anthropicEvents(await serve('error', 0));
    expect(fast.at(-1)!.at - fast[0]!.at).toBeLessThan(recordedSpan / 4);
  });

  it('--on-miss record with recordings already in the folder records only what is missing', async () => {
    const base = await serve('record');
    const before = upstream.requests;
    expect(await anthropic(base).messages.create(anthropicAsk)).toEqual(recorded.anthropicJson);
    expect(upstream.requests).toBe(before);
    const fresh = await anthropic(base).messages.create({ ...anthropicAsk, max_tokens: 65 });
    expect(upstream.requests).toBe(before + 1);
    expect(await anthropic(await serve('error')).messages.create({ ...anthropicAsk, max_tokens: 65 })).toEqual(fresh);
  });

  it('--on-miss error answers a 404 problem the SDK does not retry, naming the request and the nearest fixtures', async () => {
    const base = await serve('error');
    const before = upstream.requests;
    const error = (await anthropic(base, 2)
      .messages.create({ ...anthropicAsk, messages: [{ role: 'user', content: 'Never recorded' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error.headers?.get('content-type')).toBe('application/problem+json');
    const body = error.error as { title: string; request: { path: string; lastUserMessage: string }; nearest: { fixture: string; why: string[] }[] };
    expect(body.request).toMatchObject({ path: '/v1/messages', lastUserMessage: 'Never recorded' });
    expect(body.nearest.length).toBeGreaterThan(0);
    expect(body.nearest[0]!.why.join(' ')).toMatch(/body differs at messages|recorded streamed/);
    expect(upstream.requests).toBe(before);
  });

  it('replays identical requests recorded several times in recorded order, the last repeating, per session', async () => {
    const entry = (text: string, recordedAt: string) => ({
      recordedAt,
      request: { method: 'POST', path: '/v1/messages', body: anthropicAsk },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { ...(recorded.anthropicJson as object), content: [{ type: 'text', text }] } },
    });
    const set = fixtureSetOf('twice.json', { format: 'standin-exchanges/1', provider: 'anthropic', exchanges: [entry('second', '2026-01-02T00:00:00Z'), entry('first', '2026-01-01T00:00:00Z')] });
    const engine = createStandin({ documents: await loadDocuments(['anthropic']), fixtures: createFixtureSource(set, { onMiss: 'error' }) });
    const server = await startServer(engine, { port: 0 });
    servers.push(server);
    const texts = async (session: string) => {
      const client = new Anthropic({ apiKey: KEY, baseURL: `${server.url}/anthropic`, maxRetries: 0, defaultHeaders: { 'x-standin-session': session } });
      const out: string[] = [];
      for (let i = 0; i < 3; i++) out.push(((await client.messages.create(anthropicAsk)).content[0] as { text: string }).text);
      return out;
    };
    expect(await texts('a')).toEqual(['first', 'second', 'second']);
    expect(await texts('b')).toEqual(['first', 'second', 'second']);
  });
});
