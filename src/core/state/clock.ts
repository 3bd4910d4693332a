/**
 * standin's time: the wall clock plus an offset that `POST /_standin/clock` moves, so tests step through
 * rate windows, cache TTLs and Runware async completion without sleeping. The offset lives in the state
 * store, so every process sharing a store shares one time. Pacing of streams stays in real time: a
 * virtual clock cannot make bytes arrive sooner.
 */
import { globalKey, type StateStore } from './store.js';

/** Where the offset (milliseconds, a number; absent means 0) is kept. */
export const CLOCK_OFFSET_KEY = globalKey('clock-offset-ms');

export interface Clock {
  /** standin's current time in epoch milliseconds. */
  now(): Promise<number>;
  /** Moves time forward by `ms` (never back) and answers the new time. */
  advance(ms: number): Promise<number>;
}

/** The offset now in `store` (0 when none was set). */
export async function clockOffset(store: StateStore): Promise<number> {
  const value = await store.get(CLOCK_OFFSET_KEY);
  return typeof value === 'number' ? value : 0;
}

export function createClock(store: StateStore, wall: () => number = Date.now): Clock {
  return {
    now: async () => wall() + (await clockOffset(store)),
    advance: async (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceMs must be a non-negative number');
      return wall() + (await store.increment(CLOCK_OFFSET_KEY, ms));
    },
  };
}
