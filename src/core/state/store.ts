/**
 * The one place standin keeps what outlives a request: rate-limit windows, wallets, prompt-cache
 * prefixes, `fail-first` attempt counts, fixture sequence positions, Runware async tasks, the virtual
 * clock. Every caller goes through this interface, so a shared store (Redis) can replace the in-memory
 * one and several processes serve one consistent set of sessions.
 *
 * Values are JSON, because a shared store keeps them as text. Keys are plain strings built by `stateKey`,
 * which puts the session first so a session can be cleared by prefix. `ttlMs` is garbage collection in
 * real time, not behaviour: anything that expires in the provider's sense (a rate window, a cache TTL)
 * stores its own deadline in standin's clock, so moving the virtual clock moves it.
 */
import type { Json } from '../types.js';

export interface StateStore {
  /**
   * The store lives in this process's memory and keeps values as given, never serialised (the default
   * in-memory store), and its calls do no I/O: they settle before the next request is read. A caller
   * may then keep a value whose JSON form is made only when it is read (the journal keeps its ring of
   * packed exchanges and seals each one when it is read), and need not hold an answer for a write.
   */
  readonly inProcess?: boolean;
  get(key: string): Promise<Json | undefined>;
  set(key: string, value: Json, ttlMs?: number): Promise<void>;
  /** Adds `by` to the number at `key` (0 when absent) atomically and returns the sum. */
  increment(key: string, by: number, ttlMs?: number): Promise<number>;
  /**
   * Optional: `increment` for several keys in one call (one round trip for a shared store), each
   * atomic; answers the sums in order. Callers use `incrementAll`, which falls back to `increment`.
   */
  incrementMany?(increments: readonly (readonly [key: string, by: number])[], ttlMs?: number): Promise<number[]>;
  delete(key: string): Promise<void>;
  /**
   * Appends to the list at `key` atomically and returns its new length (Runware webhooks, the journal).
   * With `maxLength`, the oldest items are dropped so the list keeps at most that many (a ring).
   */
  append(key: string, value: Json, ttlMs?: number, maxLength?: number): Promise<number>;
  /** The list at `key` (empty when absent). */
  list(key: string): Promise<Json[]>;
  /** Removes every key that starts with `prefix`; `''` clears everything. */
  clear(prefix: string): Promise<void>;
  /** Releases connections (a shared store); the in-memory store has nothing to release. */
  close?(): Promise<void>;
}

/**
 * A shared store could not do what was asked (Redis unreachable, the primary process gone). The engine
 * answers it as a 500 problem saying the state store failed, never as a provider error.
 */
export class StateStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}

/** Adds to several counters at once: in one store call when the store can (`incrementMany`). */
export function incrementAll(store: StateStore, increments: readonly (readonly [string, number])[], ttlMs?: number): Promise<number[]> {
  if (store.incrementMany) return store.incrementMany(increments, ttlMs);
  return Promise.all(increments.map(([key, by]) => store.increment(key, by, ttlMs)));
}

/** A session id when the client names none (`x-standin-session`). */
export const DEFAULT_SESSION = 'default';

/** `<session>\u0000<part>\u0000<part>…`: the separator cannot occur in a session header value. */
export function stateKey(session: string, ...parts: string[]): string {
  return `${session}\u0000${parts.join('\u0000')}`;
}

/** The prefix every key of a session starts with. */
export function sessionPrefix(session: string): string {
  return `${session}\u0000`;
}

/** Keys outside every session (the virtual clock). */
export function globalKey(...parts: string[]): string {
  return `\u0001${parts.join('\u0000')}`;
}
