/**
 * The workers' IPC store beyond what every store does (state-store-conformance.test.ts): what a worker
 * issues in one turn travels as one message each way, in order, and the clock offset the primary pushes
 * to every worker is acknowledged by all of them before a move of the clock is answered.
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_OFFSET_KEY } from '../src/core/state/clock.js';
import { createMemoryStore } from '../src/core/state/memory-store.js';
import { StateStoreError, type StateStore } from '../src/core/state/store.js';
import { createIpcClock } from '../src/node/ipc-clock.js';
import { createIpcStore, createIpcStoreServer, serveStoreOverIpc, type IpcChannel } from '../src/node/ipc-store.js';
import { channelPair } from './support/ipc-channel.js';

/** Records every message a channel end sends. */
function recording(channel: IpcChannel): { channel: IpcChannel; sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    channel: {
      send: (message, callback) => (sent.push(message), channel.send(message, callback)),
      on: (event, listener) => channel.on(event, listener),
      off: (event, listener) => channel.off(event, listener),
    },
  };
}

/** A memory store that counts the operations it runs, by name. */
function countingStore(): StateStore & { counts: Record<string, number> } {
  const inner = createMemoryStore();
  const counts: Record<string, number> = {};
  const counted = Object.fromEntries(
    Object.entries(inner).map(([name, fn]) => [name, (...args: unknown[]) => ((counts[name] = (counts[name] ?? 0) + 1), (fn as (...a: unknown[]) => unknown)(...args))]),
  ) as unknown as StateStore;
  return Object.assign(counted, { counts });
}

const batchesIn = (sent: unknown[]) => sent.filter((m) => typeof (m as { standinStoreBatch?: number }).standinStoreBatch === 'number') as { calls: unknown[] }[];

describe('the IPC store batches a turn', () => {
  it('sends the operations of one turn (across concurrent callers) as one message and gets one answer', async () => {
    const [worker, primary] = channelPair();
    const w = recording(worker);
    const p = recording(primary);
    serveStoreOverIpc(p.channel, createMemoryStore());
    const store = createIpcStore(w.channel);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => store.increment(`n${i % 3}`, 1)),
      store.incrementMany!([['m', 2], ['m', 3]]),
      store.set('v', { a: 1 }),
      store.append('l', 'x'),
    ]);
    expect(results).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, [2, 5], undefined, 1]);
    expect(batchesIn(w.sent)).toHaveLength(1);
    expect(batchesIn(w.sent)[0]!.calls).toHaveLength(13);
    expect(p.sent).toHaveLength(1);
    // The next turn is a message of its own.
    expect(await Promise.all([store.get('v'), store.list('l')])).toEqual([{ a: 1 }, ['x']]);
    expect(batchesIn(w.sent)).toHaveLength(2);
  });

  it('keeps the order in which one turn issued operations on a key', async () => {
    const [worker, primary] = channelPair();
    serveStoreOverIpc(primary, createMemoryStore());
    const store = createIpcStore(worker);
    // Issued without waiting, so all travel in one message; each sees the effects issued before it.
    const answers = await Promise.all([
      store.get('k'),
      store.set('k', 1),
      store.increment('k', 2),
      store.get('k'),
      store.append('k', 'replaced by a list'),
      store.list('k'),
      store.delete('k'),
      store.get('k'),
      store.increment('k', 5),
      store.clear(''),
      store.get('k'),
    ]);
    expect(answers).toEqual([undefined, undefined, 3, 3, 1, ['replaced by a list'], undefined, undefined, 5, undefined, undefined]);
  });

  it('fails only the operation that failed in a batch', async () => {
    const [worker, primary] = channelPair();
    const inner = createMemoryStore();
    serveStoreOverIpc(primary, { ...inner, get: (key) => (key === 'broken' ? Promise.reject(new Error('disk on fire')) : inner.get(key)) });
    const store = createIpcStore(worker);
    const [fine, broken, counted] = await Promise.allSettled([store.set('ok', 1), store.get('broken'), store.increment('n', 1)]);
    expect(fine.status).toBe('fulfilled');
    expect(broken.status).toBe('rejected');
    expect((broken as PromiseRejectedResult).reason).toBeInstanceOf(StateStoreError);
    expect(String((broken as PromiseRejectedResult).reason)).toContain('disk on fire');
    expect(counted).toEqual({ status: 'fulfilled', value: 1 });
  });

  it('fails what is queued or sent when the channel to the primary closes', async () => {
    const [worker] = channelPair(); // nobody answers
    const store = createIpcStore(worker);
    const sent = store.get('a');
    await new Promise((r) => setImmediate(r));
    const queued = store.get('b');
    store.fail('the IPC channel closed');
    await expect(sent).rejects.toThrow(/cannot reach the primary process: the IPC channel closed/);
    await expect(queued).rejects.toThrow(/cannot reach the primary process/);
  });
});

describe("the workers' clock", () => {
  const wall = () => 1_000_000;
  const settle = () => new Promise((r) => setTimeout(r, 80));

  /** A primary serving `count` workers; what the primary sends to worker i arrives `delays[i]` ms late. */
  function fleet(delays: number[]) {
    const store = countingStore();
    const server = createIpcStoreServer(store);
    const workers = delays.map((delay) => {
      const [worker, primary] = channelPair(delay);
      const stop = server.serve(primary);
      const ipc = createIpcStore(worker);
      return { store: ipc, clock: createIpcClock(worker, ipc, wall), stop };
    });
    return { store, workers };
  }

  it('reads the pushed offset without asking the primary, once subscribed', async () => {
    const { store, workers } = fleet([0, 0]);
    await settle();
    const gets = store.counts.get ?? 0;
    for (const w of workers) expect(await w.clock.now()).toBe(1_000_000);
    expect(store.counts.get ?? 0).toBe(gets);
  });

  it('answers an advance only once every worker knows the new offset, even a slow one', async () => {
    const { workers } = fleet([0, 60]);
    await settle();
    const [a, b] = workers as [(typeof workers)[number], (typeof workers)[number]];
    expect(await a.clock.advance(5_000)).toBe(1_005_000);
    // No message has been delivered since the answer: b already had the new offset when a got it.
    expect(await b.clock.now()).toBe(1_005_000);
    expect(await a.clock.now()).toBe(1_005_000);
    // A reset of everything moves the clock back to the wall clock, for every worker before it is answered.
    await b.store.clear('');
    expect(await a.clock.now()).toBe(1_000_000);
    // A write to the offset by any path is published too.
    await a.store.increment(CLOCK_OFFSET_KEY, 7);
    expect(await b.clock.now()).toBe(1_000_007);
  });

  it('reads the store until its subscription is answered', async () => {
    const store = countingStore();
    const [worker, primary] = channelPair();
    serveStoreOverIpc(primary, store);
    const ipc = createIpcStore(worker);
    await ipc.set(CLOCK_OFFSET_KEY, 42);
    const [unanswered] = channelPair(); // the subscription goes where nobody answers yet
    const clock = createIpcClock(unanswered, ipc, wall);
    const gets = store.counts.get ?? 0;
    expect(await clock.now()).toBe(1_000_042);
    expect(await clock.now()).toBe(1_000_042);
    expect(store.counts.get).toBe(gets + 2);
  });

  it('does not wait for a worker that has gone', async () => {
    const store = createMemoryStore();
    const server = createIpcStoreServer(store);
    const [silent, silentPrimary] = channelPair();
    const stopSilent = server.serve(silentPrimary);
    silent.send({ standinClockSubscribe: true }); // subscribes, then never acknowledges
    const [worker, primary] = channelPair();
    server.serve(primary);
    const clock = createIpcClock(worker, createIpcStore(worker), wall);
    await settle();
    let answered = false;
    const advance = clock.advance(1_000).then((now) => ((answered = true), now));
    await settle();
    expect(answered).toBe(false);
    stopSilent(); // its process exited
    expect(await advance).toBe(1_001_000);
  });
});
