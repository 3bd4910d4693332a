/**
 * standin's time: the wall clock plus an offset that `POST /_standin/clock` moves, so tests step through
 * rate windows, cache TTLs and Runware async completion without sleeping. The offset lives in the state
 * store, so every process sharing a store shares one time. Pacing of streams stays in real time: a
 * virtual clock cannot make bytes arrive sooner.
 */
import type { Json } from '../types.js';
import { globalKey, type StateStore } from './store.js';

/** Where the offset (milliseconds, a number; absent means 0) is kept. */
export const CLOCK_OFFSET_KEY = globalKey('clock-offset-ms');

export interface Clock {
  /**
   * standin's current time in epoch milliseconds: a number where the offset is known at once (a store
   * in this process, a fleet worker told of every change), else on its way. Every exchange asks, so
   * a promise where none is needed is worth saving.
   */
  now(): number | Promise<number>;
  /** Moves time forward by `ms` (never back) and answers the new time. */
  advance(ms: number): Promise<number>;
}

/** The offset now in `store` (0 when none was set). */
export async function clockOffset(store: StateStore): Promise<number> {
  return offsetOf(await store.get(CLOCK_OFFSET_KEY));
}

const offsetOf = (value: Json | undefined): number => (typeof value === 'number' ? value : 0);

export function createClock(store: StateStore, wall: () => number = Date.now): Clock {
  const local = store.local;
  return {
    now: local ? () => wall() + offsetOf(local.get(CLOCK_OFFSET_KEY)) : async () => wall() + (await clockOffset(store)),
    advance: async (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceMs must be a non-negative number');
      return wall() + (await store.increment(CLOCK_OFFSET_KEY, ms));
    },
  };
}
