import { describe, expect, it, vi } from 'vitest';
import { createClock } from './clock.js';
import { createMemoryStore } from './memory-store.js';
import { sessionPrefix, stateKey } from './store.js';

describe('memory store', () => {
  it('increments atomically from zero and keeps the sum', async () => {
    const store = createMemoryStore();
    const key = stateKey('s1', 'attempts', 'x');
    expect(await Promise.all([store.increment(key, 1), store.increment(key, 1), store.increment(key, 2)])).toEqual([1, 2, 4]);
    expect(await store.get(key)).toBe(4);
  });

  it('increments several counters in one call, each from zero', async () => {
    const store = createMemoryStore();
    await store.increment('a', 5);
    expect(await store.incrementMany!([['a', 1], ['b', 2], ['a', 3]])).toEqual([6, 2, 9]);
    expect(await store.get('b')).toBe(2);
  });

  it('forgets a value once its real-time ttl has passed', async () => {
    vi.useFakeTimers();
    try {
      const store = createMemoryStore();
      await store.set('k', 'v', 1000);
      vi.advanceTimersByTime(999);
      expect(await store.get('k')).toBe('v');
      vi.advanceTimersByTime(1);
      expect(await store.get('k')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears one session by prefix and leaves the others', async () => {
    const store = createMemoryStore();
    await store.set(stateKey('a', 'x'), 1);
    await store.set(stateKey('ab', 'x'), 2);
    await store.append(stateKey('a', 'list'), 'one');
    await store.clear(sessionPrefix('a'));
    expect(await store.get(stateKey('a', 'x'))).toBeUndefined();
    expect(await store.list(stateKey('a', 'list'))).toEqual([]);
    expect(await store.get(stateKey('ab', 'x'))).toBe(2);
  });

  it('appends to a list and hands out copies', async () => {
    const store = createMemoryStore();
    expect(await store.append('l', { n: 1 })).toBe(1);
    expect(await store.append('l', { n: 2 })).toBe(2);
    const list = await store.list('l');
    list.push('mutated');
    expect(await store.list('l')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('keeps only the newest items of a list given a maximum length', async () => {
    const store = createMemoryStore();
    for (let i = 1; i <= 5; i++) await store.append('ring', i, undefined, 3);
    expect(await store.list('ring')).toEqual([3, 4, 5]);
  });
});

describe('clock', () => {
  it('moves forward by what it is told, shared through the store', async () => {
    const store = createMemoryStore();
    let wall = 1_000;
    const a = createClock(store, () => wall);
    const b = createClock(store, () => wall);
    await a.advance(61_000);
    expect(await b.now()).toBe(62_000);
    wall = 2_000;
    expect(await a.now()).toBe(63_000);
    await expect(a.advance(-1)).rejects.toThrow(RangeError);
  });
});

describe('memory store lists as rings', () => {
  it('keeps the newest items in order however often the ring wraps', async () => {
    const store = createMemoryStore();
    for (let i = 1; i <= 1_003; i++) expect(await store.append('ring', i, undefined, 4)).toBe(Math.min(i, 4));
    expect(await store.list('ring')).toEqual([1_000, 1_001, 1_002, 1_003]);
    expect(await store.get('ring')).toEqual([1_000, 1_001, 1_002, 1_003]);
  });

  it('follows a maximum that changes, and appends to a list written with set', async () => {
    const store = createMemoryStore();
    for (let i = 1; i <= 7; i++) await store.append('ring', i, undefined, 5);
    await store.append('ring', 8, undefined, 3);
    expect(await store.list('ring')).toEqual([6, 7, 8]);
    await store.append('ring', 9);
    expect(await store.list('ring')).toEqual([6, 7, 8, 9]);
    await store.set('plain', ['a']);
    expect(await store.append('plain', 'b', undefined, 2)).toBe(2);
    expect(await store.list('plain')).toEqual(['a', 'b']);
  });

  it('hands out a copy of a ring that has wrapped', async () => {
    const store = createMemoryStore();
    for (let i = 1; i <= 5; i++) await store.append('ring', i, undefined, 3);
    const list = await store.list('ring');
    list.reverse();
    expect(await store.list('ring')).toEqual([3, 4, 5]);
  });
});
