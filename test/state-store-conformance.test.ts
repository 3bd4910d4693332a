/**
 * One suite, three stores: the in-memory store, the Redis store and the workers' IPC store (forwarding
 * to a memory store in the "primary") must behave the same, since the engine cannot tell them apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/core/state/memory-store.js';
import { sessionPrefix, stateKey, StateStoreError, type StateStore } from '../src/core/state/store.js';
import { createIpcStore, serveStoreOverIpc } from '../src/node/ipc-store.js';
import { createRedisStore } from '../src/node/redis-store.js';
import { channelPair } from './support/ipc-channel.js';
import { redisSkipReason, startRedis, type RedisServer } from './support/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const skipRedis = redisSkipReason();
let redis: RedisServer | undefined;
let namespaces = 0;
const opened: StateStore[] = [];

beforeAll(async () => {
  if (!skipRedis) redis = await startRedis();
});
afterAll(async () => {
  for (const store of opened.splice(0)) await store.close?.();
  await redis?.stop();
});

const stores: [string, () => Promise<StateStore>, boolean][] = [
  ['memory', async () => createMemoryStore(), false],
  [
    'ipc (workers)',
    async () => {
      const [worker, primary] = channelPair();
      serveStoreOverIpc(primary, createMemoryStore());
      return createIpcStore(worker);
    },
    false,
  ],
  [
    'redis',
    async () => {
      // A namespace per store, so tests sharing the server never see each other's keys.
      const store = await createRedisStore({ url: redis!.url, namespace: `test${++namespaces}:` });
      opened.push(store);
      return store;
    },
    Boolean(skipRedis),
  ],
];

describe.each(stores)('StateStore conformance: %s', (_name, open, skip) => {
  it.skipIf(skip)('gets what was set, as JSON, and undefined for what never was', async () => {
    const store = await open();
    expect(await store.get('absent')).toBeUndefined();
    const values = [0, -1.5, 'text ✓ \u0000 inside', true, false, null, [1, 'two', { three: 3 }], { nested: { list: [null] }, n: 2 }];
    for (const [i, value] of values.entries()) await store.set(stateKey('s', 'v', String(i)), value);
    for (const [i, value] of values.entries()) expect(await store.get(stateKey('s', 'v', String(i)))).toEqual(value);
    await store.set(stateKey('s', 'v', '0'), 'replaced');
    expect(await store.get(stateKey('s', 'v', '0'))).toBe('replaced');
  });

  it.skipIf(skip)('forgets a value, a count and a list once their ttl has passed', async () => {
    const store = await open();
    await store.set('v', 1, 60);
    await store.increment('n', 1, 60);
    await store.append('l', 1, 60);
    await store.set('kept', 1);
    expect(await store.get('v')).toBe(1);
    await sleep(150);
    expect(await store.get('v')).toBeUndefined();
    expect(await store.get('n')).toBeUndefined();
    expect(await store.list('l')).toEqual([]);
    expect(await store.get('kept')).toBe(1);
  });

  it.skipIf(skip)('increments from zero, atomically under concurrency, with exact floating-point sums', async () => {
    const store = await open();
    const sums = await Promise.all(Array.from({ length: 50 }, () => store.increment('n', 1)));
    expect(new Set(sums).size).toBe(50);
    expect(Math.max(...sums)).toBe(50);
    expect(await store.get('n')).toBe(50);
    expect(await store.increment('n', -60)).toBe(-10);
    expect(await store.increment('f', 0.1)).toBe(0.1);
    expect(await store.increment('f', 0.2)).toBe(0.1 + 0.2);
    expect(await store.increment('big', 2 ** 52)).toBe(2 ** 52);
    expect(await store.increment('big', 1)).toBe(2 ** 52 + 1);
  });

  it.skipIf(skip)('gives an increment its ttl only when it creates the number', async () => {
    const store = await open();
    await store.increment('created', 1, 60);
    await store.set('existing', 5);
    await store.increment('existing', 1, 60);
    await sleep(150);
    expect(await store.get('created')).toBeUndefined();
    expect(await store.get('existing')).toBe(6);
  });

  it.skipIf(skip)('increments several counters in one call: in order, each atomically, the ttl only for those it creates', async () => {
    const store = await open();
    expect(store.incrementMany, 'every store offers incrementMany').toBeTypeOf('function');
    const many = store.incrementMany!.bind(store);
    expect(await many([])).toEqual([]);
    await store.set('b', 10);
    expect(await many([['a', 1], ['b', 2], ['a', 0.5], ['c', 0.1]], 60)).toEqual([1, 12, 1.5, 0.1]);
    expect(await many([['c', 0.2]])).toEqual([0.1 + 0.2]);
    // Concurrent calls interleave only between whole increments: every sum is seen once.
    const sums = await Promise.all(Array.from({ length: 30 }, () => many([['x', 1], ['y', 2]])));
    expect(new Set(sums.map(([x]) => x)).size).toBe(30);
    expect(new Set(sums.map(([, y]) => y)).size).toBe(30);
    expect(sums.every(([x, y]) => x! >= 1 && x! <= 30 && y! % 2 === 0)).toBe(true);
    expect([await store.get('x'), await store.get('y')]).toEqual([30, 60]);
    // It agrees with one increment at a time on the same keys.
    expect(await store.increment('x', 1)).toBe(31);
    await sleep(150);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toBeUndefined();
    expect(await store.get('b')).toBe(12);
    expect(await store.get('x')).toBe(31);
  });

  it.skipIf(skip)('deletes a value and a list', async () => {
    const store = await open();
    await store.set('v', 1);
    await store.append('l', 1);
    await store.delete('v');
    await store.delete('l');
    await store.delete('never');
    expect(await store.get('v')).toBeUndefined();
    expect(await store.list('l')).toEqual([]);
  });

  it.skipIf(skip)('appends in order, answers the length, and reads a list as get does', async () => {
    const store = await open();
    expect(await store.list('l')).toEqual([]);
    expect(await store.append('l', { n: 1 })).toBe(1);
    expect(await store.append('l', 'two')).toBe(2);
    expect(await store.append('l', null)).toBe(3);
    expect(await store.list('l')).toEqual([{ n: 1 }, 'two', null]);
    expect(await store.get('l')).toEqual([{ n: 1 }, 'two', null]);
    const lengths = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append('c', i)));
    expect(lengths.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it.skipIf(skip)('keeps only the newest items of a ring', async () => {
    const store = await open();
    const lengths = [];
    for (let i = 1; i <= 6; i++) lengths.push(await store.append('ring', i, undefined, 3));
    expect(lengths).toEqual([1, 2, 3, 3, 3, 3]);
    expect(await store.list('ring')).toEqual([4, 5, 6]);
  });

  it.skipIf(skip)('replaces a plain value appended to, and a list set over', async () => {
    const store = await open();
    await store.set('x', 'plain');
    expect(await store.append('x', 1)).toBe(1);
    expect(await store.list('x')).toEqual([1]);
    await store.set('x', { now: 'plain' });
    expect(await store.get('x')).toEqual({ now: 'plain' });
    expect(await store.list('x')).toEqual([]);
  });

  it.skipIf(skip)('clears one session by prefix, glob characters included, and everything with an empty prefix', async () => {
    const store = await open();
    for (const session of ['a*', 'ab', 'a?', 'a[b]', 'a\\']) {
      await store.set(stateKey(session, 'v'), session);
      await store.append(stateKey(session, 'l'), session);
    }
    await store.set('global', 1);
    await store.clear(sessionPrefix('a*'));
    expect(await store.get(stateKey('a*', 'v'))).toBeUndefined();
    expect(await store.list(stateKey('a*', 'l'))).toEqual([]);
    for (const session of ['ab', 'a?', 'a[b]', 'a\\']) expect(await store.get(stateKey(session, 'v'))).toBe(session);
    await store.clear('a['); // any prefix, not only a session's
    expect(await store.get(stateKey('a[b]', 'v'))).toBeUndefined();
    expect(await store.get(stateKey('ab', 'v'))).toBe('ab');
    await store.clear('');
    for (const session of ['ab', 'a?', 'a\\']) expect(await store.list(stateKey(session, 'l'))).toEqual([]);
    expect(await store.get('global')).toBeUndefined();
  });

  it.skipIf(skip)('clears more keys than one scan round holds', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => store.set(stateKey('many', String(i)), i)));
    await store.set(stateKey('other', 'x'), 1);
    await store.clear(sessionPrefix('many'));
    expect(await store.get(stateKey('many', '0'))).toBeUndefined();
    expect(await store.get(stateKey('many', '1199'))).toBeUndefined();
    expect(await store.get(stateKey('other', 'x'))).toBe(1);
  });
});

describe('a store that fails', () => {
  it('the IPC store rejects with a StateStoreError when the primary cannot be reached, or does not answer', async () => {
    const [worker, primary] = channelPair();
    serveStoreOverIpc(primary, createMemoryStore());
    const store = createIpcStore(worker, 200);
    expect(await store.increment('n', 1)).toBe(1);
    worker.close();
    await expect(store.get('n')).rejects.toBeInstanceOf(StateStoreError);
    const [silent] = channelPair(); // nobody serves the other end
    await expect(createIpcStore(silent, 100).get('n')).rejects.toThrow(/did not answer within 100 ms/);
  });

  it.skipIf(Boolean(skipRedis))('Redis: start-up names the unreachable server; later failures are StateStoreErrors', async () => {
    const own = await startRedis();
    try {
      const store = await createRedisStore({ url: own.url });
      await store.set('k', 1);
      await own.stop();
      const failure = await store.get('k').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StateStoreError);
      expect((failure as Error).message).toContain(`Redis at ${own.url}`);
      await store.close?.();
      const unreachable = createRedisStore({ url: own.url, connectTimeoutMs: 2_000 });
      await expect(unreachable).rejects.toThrow(new RegExp(`cannot use Redis at redis://127\\.0\\.0\\.1:${own.port} as the state store: .*ECONNREFUSED`));
      // A password in the URL never reaches the message.
      const withPassword = await createRedisStore({ url: `redis://user:hunter2secret@127.0.0.1:${own.port}/2`, connectTimeoutMs: 2_000 }).catch((e: Error) => e);
      expect(String(withPassword)).toContain('cannot use Redis at redis://[REDACTED]@127.0.0.1');
      expect(String(withPassword)).not.toContain('hunter2');
    } finally {
      await own.stop();
    }
  });
});
