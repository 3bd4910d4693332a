/**
 * Fixed rate-limit windows in standin's clock. A key's window opens at its first request (rounded down
 * to the second) and lasts the bucket's window; the next request after it opens a new one. Counters
 * live in the state store under the session, the provider and the key's hash, one per bucket and
 * window start, and are only ever changed by atomic `increment`, so processes sharing a store agree.
 *
 * Two requests that open a window in different seconds at the same moment may each set its start;
 * the later one wins and the other's count is lost. That needs two processes racing across a second
 * boundary at a window's first request, and costs at most one request's count.
 */
import { keyId } from '../key-id.js';
import { stateKey } from '../state/store.js';
import type { OperationContext, RateLimitBucket } from '../types.js';

/** Real-time garbage collection beyond a window's length (virtual time only runs ahead of real time). */
export const WINDOW_GRACE_MS = 60_000;

export interface WindowScope {
  ctx: OperationContext;
  /** The state key every counter of this session, provider and API key starts with. */
  prefix: string;
  /** Window starts already read in this request, by window length. */
  starts: Map<number, number>;
  now: number;
}

export function windowScope(ctx: OperationContext, now: number): WindowScope {
  return { ctx, prefix: stateKey(ctx.session, 'rate', ctx.provider.name, keyId(ctx.apiKey)), starts: new Map(), now };
}

/** The start of the current window of the given length, opening a new one when the last has ended. */
export function windowStart(scope: WindowScope, windowMs: number): number | Promise<number> {
  // Buckets sharing a window length read its start once per request.
  return scope.starts.get(windowMs) ?? readWindowStart(scope, windowMs);
}

async function readWindowStart(scope: WindowScope, windowMs: number): Promise<number> {
  const { ctx, now } = scope;
  const anchor = `${scope.prefix}\u0000window\u0000${windowMs}`;
  const stored = await ctx.store.get(anchor);
  let start = typeof stored === 'number' && now < stored + windowMs ? stored : undefined;
  if (start === undefined) {
    start = Math.floor(now / 1000) * 1000;
    await ctx.store.set(anchor, start, windowMs + WINDOW_GRACE_MS);
  }
  scope.starts.set(windowMs, start);
  return start;
}

/** The state key of a bucket's counter in the window starting at `start`. */
export function counterKey(scope: WindowScope, bucket: RateLimitBucket, start: number): string {
  return `${scope.prefix}\u0000${bucket}\u0000${start}`;
}

/** Adds `by` to a bucket's count in the window starting at `start` and answers the new count. */
export function addToBucket(scope: WindowScope, bucket: RateLimitBucket, start: number, windowMs: number, by: number): Promise<number> {
  return scope.ctx.store.increment(counterKey(scope, bucket, start), by, windowMs + WINDOW_GRACE_MS);
}
