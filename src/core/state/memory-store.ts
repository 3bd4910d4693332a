/** The default state store: one process's memory, expired lazily on read and by a bounded sweep. */
import type { Json } from '../types.js';
import type { StateStore } from './store.js';

interface Entry {
  value: Json;
  /** Real-time deadline (Date.now()), or Infinity. */
  expires: number;
}

/** Past this many keys a write sweeps expired entries, so a long-running server stays bounded. */
const SWEEP_AT = 50_000;

export function createMemoryStore(): StateStore {
  const entries = new Map<string, Entry>();
  let writesSinceSweep = 0;

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expires <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function put(key: string, value: Json, ttlMs: number | undefined): void {
    entries.set(key, { value, expires: ttlMs === undefined ? Infinity : Date.now() + ttlMs });
    if (++writesSinceSweep >= SWEEP_AT && entries.size >= SWEEP_AT) {
      writesSinceSweep = 0;
      const now = Date.now();
      for (const [k, e] of entries) if (e.expires <= now) entries.delete(k);
    }
  }

  function add(key: string, by: number, ttlMs: number | undefined): number {
    const entry = live(key);
    const sum = (typeof entry?.value === 'number' ? entry.value : 0) + by;
    if (entry) entry.value = sum;
    else put(key, sum, ttlMs);
    return sum;
  }

  return {
    get: async (key) => live(key)?.value,
    set: async (key, value, ttlMs) => put(key, value, ttlMs),
    increment: async (key, by, ttlMs) => add(key, by, ttlMs),
    incrementMany: async (increments, ttlMs) => increments.map(([key, by]) => add(key, by, ttlMs)),
    delete: async (key) => {
      entries.delete(key);
    },
    append: async (key, value, ttlMs, maxLength) => {
      const entry = live(key);
      if (entry && Array.isArray(entry.value)) {
        entry.value.push(value);
        if (maxLength !== undefined && entry.value.length > maxLength) entry.value.splice(0, entry.value.length - maxLength);
        return entry.value.length;
      }
      put(key, [value], ttlMs);
      return 1;
    },
    list: async (key) => {
      const value = live(key)?.value;
      return Array.isArray(value) ? value.slice() : [];
    },
    clear: async (prefix) => {
      if (prefix === '') entries.clear();
      else for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
    },
  };
}
