/**
 * Seeded chaos and `disconnect-after`: the same seed and the same order of requests give the same faults
 * (and another seed others), each fault is one the provider documents or a broken connection, the
 * journal says which fault was chosen; `Prefer: disconnect-after=N` closes the connection after N
 * events. Through the Node server, the fetch drop-in and MSW, with the official SDK recovering by retry.
 */
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { setupServer } from 'msw/node';
import { createFetch } from '../src/adapters/fetch.js';
import { createMswHandlers, drainMockedClones } from '../src/adapters/msw.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { useServer } from './support/server.js';

type Obj = Record<string, any>;

const server = useServer(['anthropic', 'aigateway']);

const message = (stream: boolean, n: number) => ({ model: 'claude-haiku-4-5', max_tokens: 40, stream, messages: [{ role: 'user', content: `Question ${n} about rivers` }] });

/** What one request got, as a client sees it: a status, a dropped connection, a stream's ending. */
async function attempt(base: string, body: Obj, headers: Record<string, string>, doFetch: typeof fetch = fetch): Promise<string> {
  let res: Response;
  try {
    res = await doFetch(`${base}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-chaos', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) });
  } catch {
    return 'dropped';
  }
  if (res.status !== 200) return `status ${res.status}`;
  if (!body.stream) {
    await res.json();
    return 'ok';
  }
  const { text, broke } = await readAll(res);
  const events = parseSseText(text);
  if (broke) return `cut after ${events.length}`;
  const error = events.find((e) => e.event === 'error');
  if (error) return `error event ${JSON.parse(error.data).error.type} after ${events.indexOf(error)}`;
  return events.at(-1)?.event === 'message_stop' ? 'ok' : 'incomplete';
}

async function readAll(res: Response): Promise<{ text: string; broke: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broke: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broke: true };
  }
}

async function run(base: string, session: string, prefer: string, count = 16, doFetch?: typeof fetch): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) outcomes.push(await attempt(base, message(i % 2 === 1, i), { 'x-standin-session': session, prefer }, doFetch));
  return outcomes;
}

describe('seeded chaos through the Node server', () => {
  it('the same seed gives the same outcome sequence; another seed another; faults are documented ones', async () => {
    const first = await run(server.url, 'chaos-a', 'chaos=0.6, chaos-seed=42');
    const again = await run(server.url, 'chaos-b', 'chaos=0.6, chaos-seed=42');
    const other = await run(server.url, 'chaos-c', 'chaos=0.6, chaos-seed=43');
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const faults = first.filter((o) => o !== 'ok');
    expect(faults.length).toBeGreaterThan(3);
    expect(faults.length).toBeLessThan(16);
    // Documented retryable statuses only (Anthropic: 429, 500, 504, 529), and the stream faults.
    for (const o of [...first, ...other]) expect(o).toMatch(/^(ok|dropped|status (429|500|502|503|504|529)|cut after [1-6]|error event \w+ after [1-6])$/);
    expect(new Set([...first, ...other].map((o) => o.split(' ')[0])).size).toBeGreaterThanOrEqual(4);
  });

  it('reset starts the sequence again; rate 0 never fails', async () => {
    const first = await run(server.url, 'chaos-reset', 'chaos=0.5, chaos-seed=9', 8);
    await fetch(`${server.url}/_standin/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: 'chaos-reset' }) });
    expect(await run(server.url, 'chaos-reset', 'chaos=0.5, chaos-seed=9', 8)).toEqual(first);
    expect(new Set(await run(server.url, 'chaos-none', 'chaos=0, chaos-seed=9', 6))).toEqual(new Set(['ok']));
  });

  it('the journal names the fault chaos chose', async () => {
    const outcomes = await run(server.url, 'chaos-journal', 'chaos=1, chaos-seed=5', 4);
    const journal = (await (await fetch(`${server.url}/_standin/journal?session=chaos-journal`)).json()) as Obj;
    const why = journal.entries.map((e: Obj) => e.why.outcome);
    expect(why).toHaveLength(4);
    for (const [i, w] of why.entries()) {
      expect(w.source).toBe('chaos');
      expect(w.detail).toMatch(new RegExp(`^draw ${i + 1} \\(seed 5, rate 1\\): `));
    }
    expect(outcomes.every((o) => o !== 'ok')).toBe(true);
  });

  it('a chaos rate out of range is refused with a problem naming it', async () => {
    const res = await fetch(`${server.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: 'chaos=2' }, body: JSON.stringify(message(false, 0)) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Obj).detail).toMatch(/chaos=2 .*from 0 to 1/);
  });

  it('AIgateway draws from its own catalogue', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      try {
        const res = await fetch(`${server.url}/aigateway/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer k', prefer: 'chaos=1, chaos-seed=3', 'x-standin-session': 'chaos-gw' },
          body: JSON.stringify({ model: 'anthropic/claude-haiku-4.5', messages: [{ role: 'user', content: `q${i}` }] }),
        });
        outcomes.push(String(res.status));
        if (res.status !== 200) expect(((await res.json()) as Obj).error).toBeTruthy();
      } catch {
        outcomes.push('dropped');
      }
    }
    expect(outcomes.every((o) => o === 'dropped' || o === '429' || Number(o) >= 500)).toBe(true);
  });
});

describe('the engine option (serve --chaos) reaches the in-process adapters', () => {
  it('fetch drop-in: same seed, same sequence; the SDK retries its way through', async () => {
    const make = async () => createStandin({ documents: await loadDocuments(['anthropic']), options: { chaosRate: 0.5, chaosSeed: 11 } });
    const a = createFetch(await make());
    const b = createFetch(await make());
    const seqA = await run('http://standin.invalid', 'default', '', 10, a);
    const seqB = await run('http://standin.invalid', 'default', '', 10, b);
    expect(seqB).toEqual(seqA);
    expect(seqA.some((o) => o !== 'ok')).toBe(true);
    const client = new Anthropic({ apiKey: 'sk', baseURL: 'http://standin.invalid/anthropic', fetch: createFetch(await make()), maxRetries: 8, defaultHeaders: { prefer: 'retry-after=0' } });
    for (let i = 0; i < 3; i++) {
      const msg = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: `try ${i}` }] });
      expect(msg.type).toBe('message');
    }
  }, 30_000);

  it('MSW handlers: the same seed gives the same sequence', async () => {
    const sequences: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const inProcess = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root', options: { chaosRate: 0.5, chaosSeed: 77 } });
      const msw = setupServer(...createMswHandlers(inProcess, 'https://api.anthropic.com'));
      msw.listen({ onUnhandledRequest: 'error' });
      drainMockedClones(msw);
      try {
        const outcomes: string[] = [];
        for (let n = 0; n < 10; n++) {
          const base = 'https://api.anthropic.com';
          outcomes.push(await attempt(base.replace(/$/, ''), message(n % 2 === 1, n), {}, (url, init) => fetch(String(url).replace('/anthropic/', '/'), init)));
        }
        sequences.push(outcomes);
      } finally {
        msw.close();
      }
    }
    expect(sequences[1]).toEqual(sequences[0]);
    expect(sequences[0]!.some((o) => o !== 'ok')).toBe(true);
  });
});

describe('Prefer: disconnect-after', () => {
  const streamed = { model: 'claude-haiku-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Tell me about the Danube' }] };

  it('the Node server closes the connection after exactly N events (ping included)', async () => {
    const res = await fetch(`${server.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: 'disconnect-after=3' }, body: JSON.stringify(streamed) });
    expect(res.status).toBe(200);
    const { text, broke } = await readAll(res);
    expect(broke).toBe(true);
    expect(parseSseText(text).map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping']);
  });

  it('in process the stream errors after N events; the SDK stream rejects', async () => {
    const inProcess = createStandin({ documents: await loadDocuments(['anthropic']) });
    const res = await inProcess.fetch(new Request('http://standin.local/anthropic/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: 'disconnect-after=5' }, body: JSON.stringify(streamed) }));
    const { text, broke } = await readAll(res);
    expect(broke).toBe(true);
    expect(parseSseText(text)).toHaveLength(5);
    const client = new Anthropic({ apiKey: 'sk', baseURL: 'http://standin.invalid/anthropic', fetch: createFetch(inProcess), maxRetries: 0 });
    const seen: string[] = [];
    const stream = client.messages.stream({ ...streamed, stream: undefined } as Anthropic.MessageCreateParams, { headers: { prefer: 'disconnect-after=3' } });
    stream.on('streamEvent', (e) => seen.push(e.type));
    await expect(stream.finalMessage()).rejects.toThrow();
    // The SDK swallows pings, so of the three events it reports the other two.
    expect(seen).toEqual(['message_start', 'content_block_start']);
  });

  it('through MSW the SDK stream also breaks after N events', async () => {
    const inProcess = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root' });
    const msw = setupServer(...createMswHandlers(inProcess, 'https://api.anthropic.com'));
    msw.listen({ onUnhandledRequest: 'error' });
    drainMockedClones(msw);
    try {
      const client = new Anthropic({ apiKey: 'sk', maxRetries: 0 });
      const seen: string[] = [];
      const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] }, { headers: { prefer: 'disconnect-after=4' } });
      stream.on('streamEvent', (e) => seen.push(e.type));
      await expect(stream.finalMessage()).rejects.toThrow();
      // Four events on the wire; the SDK does not report the ping among them.
      expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    } finally {
      msw.close();
    }
  });

  it('disconnect-after beyond the stream length changes nothing', async () => {
    const outcome = await attempt(server.url, streamed, { prefer: 'disconnect-after=10000' });
    expect(outcome).toBe('ok');
  });
});
