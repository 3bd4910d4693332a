/**
 * The journal records every exchange with its details and why, redacted: a plain call, a stream, a 400
 * and a forced 429 are all there, no key is anywhere in it, and the HTTP endpoint filters by session,
 * provider and status. Served by a real node:http server, as clients meet it.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type JournalEntry } from '../src/standin.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { JOURNAL_RING_KEY } from '../src/journal/ring.js';
import { useServer } from './support/server.js';

// A made-up key, assembled so no file holds a string shaped like a real one.
const KEY = ['sk-ant', 'api03', 'Gh3Jk8Lp2Zx6Cv9Bn4Mq7'].join('-');
const RUNWARE_KEY = 'rwJournalBodyKey5Hk3Nd8Pq2Ls9Vb';
const SESSION = 'journal-must-hold';

const server = useServer(['anthropic', 'runware']);

function messages(body: object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'x-standin-session': SESSION, ...headers },
    body: JSON.stringify(body),
  });
}

const hello = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello from the journal test' }] };

async function journal(query = ''): Promise<{ capacity: number; lastId: number; entries: JournalEntry[] }> {
  const res = await fetch(`${server.url}/_standin/journal${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { capacity: number; lastId: number; entries: JournalEntry[] };
}

describe('the journal, after a plain call, a stream, a 400 and a forced 429', () => {
  let entries: JournalEntry[];
  let streamedEvents: number;

  beforeAll(async () => {
    expect((await messages(hello)).status).toBe(200);
    const stream = await messages({ ...hello, stream: true });
    streamedEvents = parseSseText(await stream.text()).length;
    const bad = await messages({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'no max_tokens' }] });
    expect(bad.status).toBe(400);
    await bad.text();
    const forced = await messages(hello, { prefer: 'code=429' });
    expect(forced.status).toBe(429);
    await forced.text();
    // Another session, to see the filter work.
    await (await messages(hello, { 'x-standin-session': 'someone-else' })).text();
    entries = (await journal(`?session=${SESSION}`)).entries;
  });

  it('holds the four exchanges, newest last, and only the session asked for', () => {
    expect(entries.map((e) => e.status)).toEqual([200, 200, 400, 429]);
    expect(entries.every((e) => e.session === SESSION && e.provider === 'anthropic' && e.method === 'POST' && e.path === '/anthropic/v1/messages')).toBe(true);
    const ids = entries.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('keeps the plain call: request body and headers (key hidden), the answer and who made it', () => {
    const plain = entries[0]!;
    expect(JSON.parse(plain.request.body!)).toEqual(hello);
    expect(plain.request.headers['x-api-key']).toBe('[REDACTED]');
    expect(plain.request.headers['anthropic-version']).toBe('2023-06-01');
    expect(JSON.parse(plain.answer.body!)).toMatchObject({ type: 'message', role: 'assistant' });
    expect(plain.answer.headers['content-type']).toMatch(/json/);
    expect(plain.why.outcome).toEqual({ source: 'synthesis' });
    expect(plain.operationId).toBeTruthy();
    expect(Number.isNaN(Date.parse(plain.time))).toBe(false);
  });

  it('keeps every event of the stream, in order, with offsets that never go back', () => {
    const stream = entries[1]!.answer.stream!;
    expect(stream.end).toBe('complete');
    expect(stream.events.length).toBe(streamedEvents);
    expect(stream.events[0]!.event).toBe('message_start');
    expect(stream.events.at(-1)!.event).toBe('message_stop');
    expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ type: 'message_start' });
    const offsets = stream.events.map((e) => e.offsetMs);
    expect(offsets.every((t, i) => i === 0 || t >= offsets[i - 1]!)).toBe(true);
    expect(entries[1]!.streamMs).toBeGreaterThanOrEqual(offsets.at(-1)!);
  });

  it('keeps the validation error behind the 400, and the body that caused it', () => {
    const bad = entries[2]!;
    expect(bad.why.refusal).toMatchObject({ trigger: 'invalid-request' });
    expect(bad.why.refusal!.message).toMatch(/max_tokens/);
    expect(bad.request.body).toContain('no max_tokens');
    expect(JSON.parse(bad.answer.body!)).toMatchObject({ type: 'error' });
  });

  it('keeps the Prefer directive and the forced source behind the 429', () => {
    const forced = entries[3]!;
    expect(forced.why.prefer).toBe('code=429');
    expect(forced.why.outcome).toEqual({ source: 'forced', detail: 'Prefer: code=429' });
    expect(JSON.parse(forced.answer.body!)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('is the same in process: standin.journal.list({ session })', async () => {
    const inProcess = await server.standin.journal.list({ session: SESSION });
    expect(inProcess.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it('filters by provider and by status (code or class)', async () => {
    expect((await journal(`?session=${SESSION}&status=429`)).entries.map((e) => e.status)).toEqual([429]);
    expect((await journal(`?session=${SESSION}&status=4xx`)).entries.map((e) => e.status)).toEqual([400, 429]);
    expect((await journal('?provider=runware&session=' + SESSION)).entries).toEqual([]);
    expect((await journal('?session=someone-else')).entries.map((e) => e.status)).toEqual([200]);
  });

  it('holds no key anywhere', async () => {
    const text = JSON.stringify(await journal());
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(10, 30));
  });
});

describe('the journal endpoint', () => {
  it('hides a key sent inside the body (a Runware authentication task) and in a Bearer header', async () => {
    const res = await fetch(`${server.url}/runware/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-standin-session': 'runware-keys' },
      body: JSON.stringify([
        { taskType: 'authentication', apiKey: RUNWARE_KEY },
        { taskType: 'textInference', taskUUID: '5f0c2a8e-5b7d-4c1e-9a6f-2d8b7e4c1a90', model: 'anthropic:claude@haiku-4.5', messages: [{ role: 'user', content: 'Hi' }], settings: { maxTokens: 16 } },
      ]),
    });
    await res.text();
    const bearer = await fetch(`${server.url}/runware/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'x-standin-session': 'runware-keys' },
      body: '[]',
    });
    await bearer.text();
    const { entries } = await journal('?session=runware-keys');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.request.body).toContain('authentication');
    expect(entries[1]!.request.headers.authorization).toBe('[REDACTED]');
    const text = JSON.stringify(entries);
    for (const secret of [RUNWARE_KEY, KEY, RUNWARE_KEY.slice(4, 20)]) expect(text).not.toContain(secret);
  });

  it('keeps a session name and a prompt that share words with the key, and hides the key and its masked echo', async () => {
    // A key made of words, as a test key or a password may be: its pieces in a session name or a prompt are no leak.
    const wordy = ['sk', 'ant', 'api03', 'riverbank', 'journal', 'Notes42'].join('-');
    const session = 'riverbank-journal';
    const prompt = `Summarise my riverbank journal notes. The old key was ${wordy.slice(0, 16)}...${wordy.slice(-4)}.`;
    const res = await messages({ ...hello, messages: [{ role: 'user', content: prompt }] }, { 'x-api-key': wordy, 'x-standin-session': session });
    expect(res.status).toBe(200);
    await res.text();
    const { entries } = await journal(`?session=${session}`);
    expect(entries.map((e) => e.session)).toEqual([session]);
    expect(entries[0]!.request.headers['x-api-key']).toBe('[REDACTED]');
    expect(JSON.parse(entries[0]!.request.body!).messages[0].content).toBe('Summarise my riverbank journal notes. The old key was [REDACTED].');
    expect(JSON.stringify(entries)).not.toContain(wordy);
  });

  it('records a stream the client leaves early as cancelled, with the events it got', async () => {
    const res = await messages({ ...hello, max_tokens: 2000, stream: true }, { 'x-standin-session': 'leaver', prefer: 'tokens-per-second=50' });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    let entry: JournalEntry | undefined;
    for (let i = 0; i < 50 && !entry; i++) {
      entry = (await journal('?session=leaver')).entries[0];
      if (!entry) await new Promise((r) => setTimeout(r, 50));
    }
    expect(entry?.answer.stream?.end).toBe('cancelled');
    expect(entry!.answer.stream!.events.length).toBeGreaterThan(0);
  });

  it('does not record control requests, and DELETE empties it', async () => {
    await fetch(`${server.url}/_standin/health`);
    const before = await journal();
    expect(before.entries.some((e) => e.path.startsWith('/_standin'))).toBe(false);
    expect(before.entries.length).toBeGreaterThan(0);
    const cleared = await fetch(`${server.url}/_standin/journal`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect((await journal()).entries).toEqual([]);
    expect(await server.standin.journal.list()).toEqual([]);
    await (await messages(hello, { 'x-standin-session': 'after-clear' })).text();
    const after = await journal();
    expect(after.entries.map((e) => e.session)).toEqual(['after-clear']);
    expect(after.entries[0]!.id).toBeGreaterThan(before.lastId);
    expect(after.capacity).toBe(1000);
  });

  it('answers only same-origin requests, and refuses a bad filter with a problem', async () => {
    const foreign = await fetch(`${server.url}/_standin/journal`, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const foreignDelete = await fetch(`${server.url}/_standin/journal`, { method: 'DELETE', headers: { origin: 'https://evil.example' } });
    expect(foreignDelete.status).toBe(403);
    const bad = await fetch(`${server.url}/_standin/journal?status=abc`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect((await fetch(`${server.url}/_standin/journal`, { method: 'PUT' })).status).toBe(405);
  });

  it('keeps a ring: past its capacity the oldest go', async () => {
    const small = createStandin({ documents: await loadDocuments(['anthropic']), journal: { capacity: 3 } });
    expect(small.journal.capacity).toBe(3);
    for (let i = 0; i < 5; i++) {
      const res = await small.fetch(new Request('http://standin.test/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'x-standin-session': `n${i}` }, body: '{}' }));
      await res.text();
    }
    expect((await small.journal.list()).map((e) => e.session)).toEqual(['n2', 'n3', 'n4']);
  });

  it('with capacity 0 keeps nothing: it numbers exchanges only for a log line, and without one observes nothing', async () => {
    const documents = await loadDocuments(['anthropic']);
    const told: number[] = [];
    const logged = createStandin({ documents, journal: { capacity: 0 }, onJournalEntry: (summary) => void told.push(summary.id) });
    const silent = createStandin({ documents, journal: { capacity: 0 } });
    const call = async (engine: typeof logged, stream: boolean) => {
      const res = await engine.fetch(new Request('http://standin.test/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ ...hello, stream }) }));
      expect(res.status).toBe(200);
      return res.text();
    };
    for (const engine of [logged, silent]) {
      await call(engine, false);
      expect(await call(engine, true)).toContain('message_stop');
      expect(await engine.journal.list()).toEqual([]);
    }
    await vi.waitFor(() => expect(told).toEqual([1, 2]));
    expect(await logged.journal.lastId()).toBe(2);
    expect(await silent.journal.lastId()).toBe(0);
  });

  it('keeps every exchange of a burst that arrives before its ring exists, and again after a full reset', async () => {
    const burst = createStandin({ documents: await loadDocuments(['anthropic']) });
    const send = (session: string) =>
      burst.fetch(new Request('http://standin.test/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'x-standin-session': session }, body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }) })).then((r) => r.text());
    await Promise.all(Array.from({ length: 20 }, () => send('first')));
    expect((await burst.journal.list()).map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await burst.reset();
    expect(await burst.journal.list()).toEqual([]);
    await Promise.all(Array.from({ length: 5 }, () => send('after')));
    const after = await burst.journal.list();
    expect(after.map((e) => [e.id, e.session])).toEqual(Array.from({ length: 5 }, (_, i) => [i + 1, 'after']));
  });

  it('keeps the in-process store free of the key before any read, and seals each entry once', async () => {
    const lazy = createStandin({ documents: await loadDocuments(['anthropic']) });
    const res = await lazy.fetch(new Request('http://standin.test/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'x-standin-session': 'lazy' }, body: '{}' }));
    await res.text();
    // What the store holds, as anything serialising it would see it: the sealed entry, never the key.
    const held = JSON.stringify(await lazy.store.get(JOURNAL_RING_KEY));
    expect(held).toContain('"session":"lazy"');
    expect(held).not.toContain(KEY.slice(10, 30));
    const [first] = await lazy.journal.list();
    const [again] = await lazy.journal.list();
    expect(again).toEqual(first);
    expect(JSON.stringify(first)).not.toContain(KEY.slice(10, 30));
  });

  it('tells onJournalEntry each summary in id order, and a hook that throws breaks neither the answer nor the entry', async () => {
    const told: number[] = [];
    const quiet = createStandin({ documents: await loadDocuments(['anthropic']), onJournalEntry: (summary) => void told.push(summary.id) });
    const failing = createStandin({
      documents: await loadDocuments(['anthropic']),
      onJournalEntry: () => {
        throw new Error('the log is gone');
      },
    });
    const call = (engine: typeof quiet, session: string) =>
      engine.fetch(new Request('http://standin.test/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-standin-session': session }, body: JSON.stringify(hello) }));
    for (let i = 0; i < 3; i++) await (await call(quiet, `told-${i}`)).text();
    expect(told).toEqual((await quiet.journal.list()).map((e) => e.id));
    expect(told).toHaveLength(3);
    const res = await call(failing, 'hook-throws');
    expect(res.status).toBe(200);
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await failing.journal.list()).map((e) => e.session)).toEqual(['hook-throws']);
  });

  it('records nothing when turned off (journal: false)', async () => {
    const off = createStandin({ documents: await loadDocuments(['anthropic']), journal: false });
    expect((await off.fetch(new Request('http://standin.test/anthropic/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY }, body: '{}' }))).status).toBe(400);
    expect(await off.journal.list()).toEqual([]);
    const listed = await off.fetch(new Request('http://standin.test/_standin/journal'));
    expect(((await listed.json()) as { entries: unknown[] }).entries).toEqual([]);
  });
});

describe('observing a stream on its way out', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
    let text = '';
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += new TextDecoder().decode(value);
      }
    } catch {
      return `${text}<broken>`;
    }
  }

  it('passes every byte on, and records a stream that breaks off as an error after the events it sent', async () => {
    const { observeStream } = await import('../src/journal/observe-stream.js');
    let seen: import('../src/journal/observe-stream.js').StreamObservation | undefined;
    const frames = ['event: a\ndata: {"n":1}\n\n', 'data: {"n":2}\n', '\n', 'data: {"n":3'];
    let next = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next < frames.length) controller.enqueue(bytes(frames[next++]!));
        else controller.error(new Error('upstream went away'));
      },
    });
    const out = await drain(observeStream(source, { sse: true, startedAt: Date.now(), onEnd: async (o) => void (seen = o) }));
    expect(out).toBe(`${frames.join('')}<broken>`);
    expect(seen!.end).toBe('error');
    expect(seen!.error).toBe('upstream went away');
    expect(seen!.sse!.events().events.map((e) => [e.event, e.data])).toEqual([
      ['a', '{"n":1}'],
      [undefined, '{"n":2}'],
    ]);
  });
});

describe('fixtures in the journal', () => {
  it('names the fixture that answered, or why none did', async () => {
    const withFixtures = createStandin({ documents: await loadDocuments(['anthropic']), fixtures: [{ match: { lastUserMessage: 'ping' }, answer: { text: 'pong' } }] });
    const ask = (content: string) =>
      withFixtures.fetch(
        new Request('http://standin.test/anthropic/v1/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
          body: JSON.stringify({ ...hello, messages: [{ role: 'user', content }] }),
        }),
      );
    await (await ask('ping please')).text();
    await (await ask('something else')).text();
    const [hit, miss] = await withFixtures.journal.list();
    expect(hit!.why.outcome).toMatchObject({ source: 'fixture' });
    expect(hit!.why.outcome!.detail).toBeTruthy();
    expect(miss!.why.outcome).toEqual({ source: 'synthesis' });
    expect(miss!.why.notes.join('\n')).toMatch(/no fixture answered: no recording of this request; nearest fixture .*: last user message "something else" does not contain "ping"/);
  });
});
