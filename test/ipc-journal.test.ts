/**
 * The journal of a `--workers` fleet (src/node/ipc-journal.ts): each worker keeps its own ring, and a
 * read on any worker gathers every worker's entries; clearing empties them all before it is answered.
 * The workers here are engines in this process, each with its own channel to one primary, so a test
 * chooses which worker answers each request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/core/state/memory-store.js';
import { StateStoreError } from '../src/core/state/store.js';
import { createIpcJournalRing } from '../src/node/ipc-journal.js';
import { createIpcStore, createIpcStoreServer } from '../src/node/ipc-store.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type JournalEntry, type Standin } from '../src/standin.js';
import type { JsonObject } from '../src/core/types.js';
import { channelPair } from './support/ipc-channel.js';
import { createLocalRing } from '../src/journal/ring.js';
import { packRecord } from '../src/journal/exchange-record.js';
import { createRedactorCache } from '../src/journal/seal-entry.js';

// A made-up key, assembled so no file holds a string shaped like a real one.
const KEY = ['sk-ant', 'api03', 'Wk4Journal8Fleet2Mz6'].join('-');
let documents: Record<string, JsonObject>;

beforeAll(async () => {
  documents = await loadDocuments(['anthropic']);
});

interface Worker {
  standin: Standin;
  /** The primary forgets this worker, as when it exits. */
  exit(): void;
}

/**
 * A primary and `n` workers; `slowMs` delays what the last worker receives (a busy worker),
 * `lateSendMs` what it sends.
 */
function fleet(n: number, options: { capacity?: number; slowMs?: number; lateSendMs?: number } = {}): Worker[] {
  const primary = createIpcStoreServer(createMemoryStore());
  return Array.from({ length: n }, (_, i) => {
    const last = i === n - 1;
    const [worker, toWorker] = channelPair(last ? (options.slowMs ?? 0) : 0, last ? (options.lateSendMs ?? 0) : 0);
    const exit = primary.serve(toWorker);
    const store = createIpcStore(worker);
    const ring = createIpcJournalRing(worker, store);
    return { standin: createStandin({ documents, store, journal: { capacity: options.capacity, ring } }), exit };
  });
}

/** A call answered by `worker`, its prompt `text`. */
async function call(worker: Worker, text: string, session = 'fleet-journal'): Promise<void> {
  const res = await worker.standin.fetch(
    new Request('http://127.0.0.1/anthropic/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'x-standin-session': session },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: text }] }),
    }),
  );
  expect(res.status).toBe(200);
  await res.text();
}

const prompts = (entries: JournalEntry[]) => entries.map((e) => (JSON.parse(e.request.body!) as { messages: { content: string }[] }).messages[0]!.content);

describe('the journal of a --workers fleet', () => {
  it("lists every worker's exchanges on any worker, by id, oldest first, without a key", async () => {
    const [a, b] = fleet(2) as [Worker, Worker];
    await call(a, 'one');
    await call(b, 'two');
    await call(a, 'three');
    await call(b, 'other session', 'someone-else');
    for (const w of [a, b]) {
      const entries = await w.standin.journal.list({ session: 'fleet-journal' });
      expect(prompts(entries)).toEqual(['one', 'two', 'three']);
      expect(entries.map((e) => e.id)).toEqual([1, 2, 3]);
      expect(await w.standin.journal.lastId()).toBe(4);
      const all = await w.standin.journal.list();
      expect(all.map((e) => e.id)).toEqual([1, 2, 3, 4]);
      expect(JSON.stringify(all)).not.toContain(KEY);
      expect(JSON.stringify(all)).not.toContain(KEY.slice(8, 24));
    }
    // A poller on one worker sees what the other answered since.
    await call(b, 'four');
    expect(prompts(await a.standin.journal.list({ after: 4 }))).toEqual(['four']);
    expect(await a.standin.journal.list({ after: 5 })).toEqual([]);
  });

  it('lists exchanges in the order their answers left, even when a worker reaches the primary late', async () => {
    const [fast, late] = fleet(2, { lateSendMs: 30 });
    await call(fast!, 'one', 'order');
    await call(late!, 'two', 'order');
    await call(fast!, 'three', 'order');
    expect(prompts(await fast!.standin.journal.list({ session: 'order' }))).toEqual(['one', 'two', 'three']);
  });

  it("answers the fleet's newest `capacity` entries, then filters them", async () => {
    const [a, b] = fleet(2, { capacity: 3 }) as [Worker, Worker];
    for (const [w, text] of [[a, 'a1'], [a, 'a2'], [a, 'a3'], [b, 'b4'], [a, 'a5']] as const) await call(w, text);
    expect(prompts(await b.standin.journal.list())).toEqual(['a3', 'b4', 'a5']);
    expect(prompts(await b.standin.journal.list({ after: 3 }))).toEqual(['b4', 'a5']);
  });

  it('DELETE and a full reset empty every worker, even a slow one, before they are answered', async () => {
    const [a, b] = fleet(2, { slowMs: 40 }) as [Worker, Worker];
    await call(a, 'one');
    await call(b, 'two');
    const deleted = await a.standin.fetch(new Request('http://127.0.0.1/_standin/journal', { method: 'DELETE' }));
    expect(deleted.status).toBe(200);
    for (const w of [a, b]) {
      expect(await w.standin.journal.list()).toEqual([]);
      expect(await w.standin.journal.clearedAfter()).toBe(2);
    }
    // Ids keep counting after a DELETE.
    await call(b, 'three');
    expect((await a.standin.journal.list()).map((e) => e.id)).toEqual([3]);
    const reset = await a.standin.fetch(new Request('http://127.0.0.1/_standin/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(reset.status).toBe(200);
    for (const w of [b, a]) {
      expect(await w.standin.journal.list()).toEqual([]);
      expect(await w.standin.journal.lastId()).toBe(0);
    }
    // A session's reset leaves the journal alone.
    await call(b, 'after');
    await a.standin.fetch(new Request('http://127.0.0.1/_standin/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"session":"fleet-journal"}' }));
    expect(prompts(await a.standin.journal.list())).toEqual(['after']);
  });

  it("leaves out an exited worker's entries and still answers", async () => {
    const [a, b] = fleet(2) as [Worker, Worker];
    await call(a, 'kept');
    await call(b, 'lost');
    b.exit();
    expect(prompts(await a.standin.journal.list())).toEqual(['kept']);
    await call(a, 'again');
    expect(prompts(await a.standin.journal.list())).toEqual(['kept', 'again']);
  });
});

it('a list fails with a StateStoreError naming the journal when the primary does not answer', async () => {
  const [silent] = channelPair(); // nobody serves the other end
  const ring = createIpcJournalRing(silent, createIpcStore(silent, 100), 100);
  await expect(ring.list({}, 10)).rejects.toThrow(/^listing the journal: the primary process did not answer within 100 ms$/);
  await expect(ring.list({}, 10)).rejects.toBeInstanceOf(StateStoreError);
});

describe("a worker's own ring", () => {
  const entry = packRecord({ method: 'GET', path: '/v1/models', status: 200, startedAt: 0, durationMs: 1, requestHeaders: {}, answerHeaders: {}, trace: { session: 'worker', notes: [] }, secrets: [] });
  /** An id that arrives when `give` is called. */
  const onItsWay = () => {
    let give!: (id: number) => void;
    return { id: new Promise<number>((resolve) => (give = resolve)), give: (n: number) => give(n) };
  };

  it('keeps an entry at once, but resolves (lets the answer go) only once its id is there; a read waits for it too', async () => {
    const ring = createLocalRing(createRedactorCache());
    const late = onItsWay();
    let kept = false;
    const keeping = ring.keep(late.id, entry, 10).then(() => (kept = true));
    const read = ring.select({ after: 100 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(kept).toBe(false);
    late.give(4);
    await keeping;
    expect((await read).ids).toEqual([4]);
  });

  it('a read waits for the keeps asked for before it, not for those that come after (under load some always do)', async () => {
    const ring = createLocalRing(createRedactorCache());
    const before = onItsWay();
    const keeping = ring.keep(before.id, entry, 10);
    const read = ring.select({ after: 100 });
    void ring.keep(new Promise<number>(() => undefined), entry, 10); // its id never comes
    before.give(3);
    await keeping;
    expect((await read).ids).toEqual([3]);
  });

  it('leaves out an entry whose id was on its way while the ring was cleared (that exchange ran across the clear)', async () => {
    const ring = createLocalRing(createRedactorCache());
    const across = onItsWay();
    const keeping = ring.keep(across.id, entry, 10);
    ring.clear();
    across.give(7);
    await keeping;
    await ring.keep(Promise.resolve(8), entry, 10);
    await ring.keep(Promise.resolve(9), entry, 10);
    expect((await ring.select({ after: 100 })).ids).toEqual([8, 9]);
    // At most `capacity`: the oldest go.
    await ring.keep(Promise.resolve(10), entry, 2);
    expect((await ring.select({ after: 100 })).ids).toEqual([9, 10]);
    // An id that fails (the store is gone) leaves its entry out.
    await ring.keep(Promise.reject(new Error('store gone')), entry, 10);
    expect((await ring.select({ after: 100 })).ids).toEqual([9, 10]);
  });
});
