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
  /** The state keys of this session, provider and API key. */
  keys: ScopeKeys;
  /** Window starts already read in this request, by window length. */
  starts: Map<number, number>;
  now: number;
}

/**
 * The state keys of one session, provider and API key, made once and reused while the window lasts:
 * building each key (and hashing the API key) on every request was a measurable share of answering it,
 * and a key string used again keeps its hash. Held in this process only; the store sees only the keys.
 */
export class ScopeKeys {
  private readonly anchors = new Map<number, string>();
  private readonly counters = new Map<RateLimitBucket, { start: number; key: string }>();

  constructor(readonly prefix: string) {}

  /** Where the current window's start is kept, for windows of this length. */
  anchor(windowMs: number): string {
    let key = this.anchors.get(windowMs);
    if (key === undefined) this.anchors.set(windowMs, (key = `${this.prefix}\u0000window\u0000${windowMs}`));
    return key;
  }

  /** The state key of a bucket's counter in the window starting at `start`. */
  counter(bucket: RateLimitBucket, start: number): string {
    const known = this.counters.get(bucket);
    if (known?.start === start) return known.key;
    const key = `${this.prefix}\u0000${bucket}\u0000${start}`;
    this.counters.set(bucket, { start, key });
    return key;
  }
}

/** Key sets by session, provider and API key; at most `max`, then it starts over (a bound, not an LRU). */
export function createScopeKeyCache(max = 1024): (ctx: OperationContext) => ScopeKeys {
  const bySession = new Map<string, ScopeKeys>();
  return (ctx) => {
    const id = `${ctx.session}\u0000${ctx.provider.name}\u0000${ctx.apiKey ?? ''}`;
    let keys = bySession.get(id);
    if (!keys) {
      if (bySession.size >= max) bySession.clear();
      keys = new ScopeKeys(stateKey(ctx.session, 'rate', ctx.provider.name, keyId(ctx.apiKey)));
      bySession.set(id, keys);
    }
    return keys;
  };
}

export function windowScope(ctx: OperationContext, keys: ScopeKeys, now: number): WindowScope {
  return { ctx, keys, starts: new Map(), now };
}

/** The start of the current window of the given length, opening a new one when the last has ended. */
export function windowStart(scope: WindowScope, windowMs: number): number | Promise<number> {
  // Buckets sharing a window length read its start once per request.
  return scope.starts.get(windowMs) ?? readWindowStart(scope, windowMs);
}

async function readWindowStart(scope: WindowScope, windowMs: number): Promise<number> {
  const { ctx, now } = scope;
  const anchor = scope.keys.anchor(windowMs);
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
  return scope.keys.counter(bucket, start);
}

/** Adds `by` to a bucket's count in the window starting at `start` and answers the new count. */
export function addToBucket(scope: WindowScope, bucket: RateLimitBucket, start: number, windowMs: number, by: number): Promise<number> {
  return scope.ctx.store.increment(counterKey(scope, bucket, start), by, windowMs + WINDOW_GRACE_MS);
}
