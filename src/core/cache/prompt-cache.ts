/**
 * Prompt caching, shared by every protocol: a request names points in its prompt (a `cache_control`
 * breakpoint, a message boundary, a Runware cache scope), each the end of a prefix with its token count;
 * this module decides which prefix is read from the cache, which are written, and keeps the entries.
 *
 * Entries live in the state store per session, per API key (hashed) and per provider; each holds its
 * expiry in standin's clock, so `POST /_standin/clock` expires it. A hit refreshes the entry's TTL, as
 * Anthropic's docs describe. A prefix shorter than the document's minimum is never cached
 * (`x-standin-prompt-cache.min-prefix-tokens`). Nothing here runs for a request that names no point.
 */
import { hashString } from '../hash.js';
import { stateKey } from '../state/store.js';
import type { JsonObject, OperationContext, ProviderRuntime } from '../types.js';

export type CacheTtl = '5m' | '1h';

export const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** The end of a cacheable prefix: its identity (a hash of everything before it), size and lifetime. */
export interface CachePoint {
  prefixHash: string;
  /** Tokens from the start of the prompt to this point, inclusive. */
  tokens: number;
  ttl: CacheTtl;
}

/** What caching did to one request, in tokens. */
export interface CacheUsage {
  read: number;
  /** Written, by the TTL of the breakpoint each written segment ends at. */
  created5m: number;
  created1h: number;
}

export const NO_CACHE: CacheUsage = Object.freeze({ read: 0, created5m: 0, created1h: 0 });

export const createdTokens = (usage: CacheUsage): number => usage.created5m + usage.created1h;

/** A provider's caching rules, from `x-standin-prompt-cache` in its document. */
export interface PromptCacheSpec {
  /** `breakpoints`: `cache_control` blocks; `automatic`: message boundaries; `task-setting`: Runware's. */
  mode: 'breakpoints' | 'automatic' | 'task-setting';
  minPrefixTokens: number;
}

const MODES: readonly string[] = ['breakpoints', 'automatic', 'task-setting'];

const specs = new WeakMap<ProviderRuntime, PromptCacheSpec | null>();

/** The provider's caching rules, or undefined when its document describes no prompt caching. */
export function promptCacheSpec(provider: ProviderRuntime): PromptCacheSpec | undefined {
  let spec = specs.get(provider);
  if (spec === undefined) {
    const raw = provider.document['x-standin-prompt-cache'] as JsonObject | undefined;
    const min = raw?.['min-prefix-tokens'];
    if (raw !== undefined && (typeof min !== 'number' || !Number.isInteger(min) || min < 1 || !MODES.includes(raw.mode as string))) {
      throw new Error(`standin: ${provider.name}: x-standin-prompt-cache needs mode (${MODES.join(', ')}) and min-prefix-tokens, a positive whole number`);
    }
    spec = raw ? { mode: raw.mode as PromptCacheSpec['mode'], minPrefixTokens: min as number } : null;
    specs.set(provider, spec);
  }
  return spec ?? undefined;
}

/**
 * Reads the longest cached prefix among `points` (in prompt order) and writes every longer one that is
 * long enough to cache. Written tokens are the span between the read prefix (or the start) and the last
 * written point, each segment counted under the TTL of the point that ends it.
 */
export async function applyPromptCache(ctx: OperationContext, points: readonly CachePoint[]): Promise<CacheUsage> {
  const spec = promptCacheSpec(ctx.provider);
  if (!spec) return NO_CACHE;
  const eligible = points.filter((p) => p.tokens >= spec.minPrefixTokens);
  if (eligible.length === 0) return NO_CACHE;
  const now = await ctx.clock.now();
  const keys = eligible.map((p) => entryKey(ctx, p));
  const expiries = await Promise.all(keys.map((k) => ctx.store.get(k)));
  let hit = -1;
  for (let i = eligible.length - 1; i >= 0; i--) {
    const expiresAt = expiries[i];
    if (typeof expiresAt === 'number' && expiresAt > now) {
      hit = i;
      break;
    }
  }
  const usage: CacheUsage = { read: 0, created5m: 0, created1h: 0 };
  const writes: Promise<void>[] = [];
  if (hit >= 0) {
    const point = eligible[hit]!;
    usage.read = point.tokens;
    writes.push(ctx.store.set(keys[hit]!, now + TTL_MS[point.ttl], TTL_MS[point.ttl]));
  }
  let covered = usage.read;
  for (let i = hit + 1; i < eligible.length; i++) {
    const point = eligible[i]!;
    const span = point.tokens - covered;
    if (span <= 0) continue;
    if (point.ttl === '1h') usage.created1h += span;
    else usage.created5m += span;
    covered = point.tokens;
    writes.push(ctx.store.set(keys[i]!, now + TTL_MS[point.ttl], TTL_MS[point.ttl]));
  }
  await Promise.all(writes);
  return usage;
}

/**
 * Session first (so reset clears it), then the provider, the API key's hash (never the key) and the
 * prefix. Expiry lives in the value (standin's clock); the store's TTL only collects garbage, in real
 * time, which never runs ahead of standin's clock.
 */
function entryKey(ctx: OperationContext, point: CachePoint): string {
  const keyHash = ctx.apiKey === undefined ? '-' : hashString(ctx.apiKey).toString(36) + hashString(ctx.apiKey, 0x9e3779b9).toString(36);
  return stateKey(ctx.session, 'prompt-cache', ctx.provider.name, keyHash, point.prefixHash);
}

/** A running prefix identity: two FNV-1a chains with different seeds, so collisions need 64 bits. */
export class PrefixHasher {
  private a = 0x811c9dc5;
  private b = 0x01000193;
  add(text: string): void {
    this.a = hashString(text, this.a ^ text.length);
    this.b = hashString(text, Math.imul(this.b, 31) ^ text.length);
  }
  get value(): string {
    return `${this.a.toString(36)}.${this.b.toString(36)}`;
  }
}
