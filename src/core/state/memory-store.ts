/**
 * The default state store: one process's memory, expired lazily on read and by a bounded sweep. Values
 * are kept as given, never serialised (`inProcess`); lists are rings (ring.ts).
 */
import type { Json } from '../types.js';
import { Ring } from './ring.js';
import type { StateStore } from './store.js';

interface Entry {
  value: Json | Ring;
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

  function put(key: string, value: Json | Ring, ttlMs: number | undefined): void {
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

  function valueAt(key: string): Json | undefined {
    const value = live(key)?.value;
    return value instanceof Ring ? value.toArray() : value;
  }

  return {
    inProcess: true,
    get: async (key) => valueAt(key),
    set: async (key, value, ttlMs) => put(key, value, ttlMs),
    increment: async (key, by, ttlMs) => add(key, by, ttlMs),
    incrementMany: async (increments, ttlMs) => increments.map(([key, by]) => add(key, by, ttlMs)),
    delete: async (key) => {
      entries.delete(key);
    },
    append: async (key, value, ttlMs, maxLength) => {
      const entry = live(key);
      if (entry?.value instanceof Ring) return entry.value.push(value, maxLength);
      const ring = new Ring();
      // A list written with `set` is appended to, as a shared store would.
      if (Array.isArray(entry?.value)) for (const item of entry.value) ring.push(item);
      const length = ring.push(value, maxLength);
      if (entry) entry.value = ring;
      else put(key, ring, ttlMs);
      return length;
    },
    list: async (key) => {
      const value = live(key)?.value;
      return value instanceof Ring ? value.toArray() : Array.isArray(value) ? value.slice() : [];
    },
    clear: async (prefix) => {
      if (prefix === '') entries.clear();
      else for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
    },
  };
}
