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
  /** Index of this point's own boundary among the request's block boundaries (for the lookback). */
  block?: number;
}

/** The end of one content block, in prompt order: where an earlier request's entry may be found. */
export interface PromptBoundary {
  prefixHash: string;
  tokens: number;
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
  /** `lookback-blocks`: block boundaries before a point that are also looked up (0: the point only). */
  lookbackBlocks: number;
  /** `ttl-order: longer-first`: a 1h point after a 5m one (in prompt order) is refused. */
  ttlOrder?: 'longer-first';
  /** `hit-increment`: prefixes are read and written in whole multiples of this many tokens (1: exact). */
  hitIncrement: number;
}

const MODES: readonly string[] = ['breakpoints', 'automatic', 'task-setting'];

const specs = new WeakMap<ProviderRuntime, PromptCacheSpec | null>();

const isCount = (value: unknown, least: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= least;

/** The provider's caching rules, or undefined when its document describes no prompt caching. */
export function promptCacheSpec(provider: ProviderRuntime): PromptCacheSpec | undefined {
  let spec = specs.get(provider);
  if (spec === undefined) {
    const raw = provider.document['x-standin-prompt-cache'] as JsonObject | undefined;
    spec = raw ? readSpec(provider.name, raw) : null;
    specs.set(provider, spec);
  }
  return spec ?? undefined;
}

function readSpec(providerName: string, raw: JsonObject): PromptCacheSpec {
  const fail = (what: string): never => {
    throw new Error(`standin: ${providerName}: x-standin-prompt-cache: ${what}`);
  };
  if (!MODES.includes(raw.mode as string)) fail(`mode must be one of ${MODES.join(', ')}`);
  if (!isCount(raw['min-prefix-tokens'], 1)) fail('min-prefix-tokens must be a positive whole number');
  const lookback = raw['lookback-blocks'] ?? 0;
  if (!isCount(lookback, 0)) fail('lookback-blocks must be a whole number');
  const increment = raw['hit-increment'] ?? 1;
  if (!isCount(increment, 1)) fail('hit-increment must be a positive whole number');
  const order = raw['ttl-order'];
  if (order !== undefined && order !== 'longer-first') fail('ttl-order can only be longer-first');
  return {
    mode: raw.mode as PromptCacheSpec['mode'],
    minPrefixTokens: raw['min-prefix-tokens'] as number,
    lookbackBlocks: lookback as number,
    hitIncrement: increment as number,
    ...(order ? { ttlOrder: 'longer-first' as const } : {}),
  };
}

/**
 * Under `ttl-order: longer-first`, the index of the first point (in prompt order) whose TTL is longer
 * than that of a point before it, or -1. Anthropic: "Cache entries with longer TTL must appear before
 * shorter TTLs" (docs.claude.com/en/docs/build-with-claude/prompt-caching, "Mixing different TTLs").
 */
export function ttlOutOfOrder(spec: PromptCacheSpec, ttls: readonly CacheTtl[]): number {
  if (spec.ttlOrder !== 'longer-first') return -1;
  const firstShort = ttls.indexOf('5m');
  return firstShort < 0 ? -1 : ttls.indexOf('1h', firstShort + 1);
}

/** A lookup candidate: a point or an earlier block boundary. */
interface Candidate {
  prefixHash: string;
  tokens: number;
}

/**
 * Reads the longest cached prefix and writes every point longer than it that is long enough to cache.
 * Looked up: each point and, with `lookback-blocks`, that many block boundaries before it (Anthropic:
 * "the system automatically checks for cache hits at all previous content block boundaries (up to
 * approximately 20 blocks before your explicit breakpoint)", prompt-caching guide, "How automatic
 * prefix checking works"); an entry further back is not found unless another point is near it. Only
 * points are written. Written tokens are the span between the read prefix (or the start) and the last
 * written point, each segment counted under the TTL of the point that ends it, which under
 * `longer-first` is Anthropic's A / B - A / C - B billing ("Mixing different TTLs"). With
 * `hit-increment`, every prefix counts only its whole multiples of the increment.
 */
export async function applyPromptCache(ctx: OperationContext, points: readonly CachePoint[], boundaries: readonly PromptBoundary[] = []): Promise<CacheUsage> {
  const spec = promptCacheSpec(ctx.provider);
  if (!spec) return NO_CACHE;
  const size = (tokens: number) => (spec.hitIncrement === 1 ? tokens : tokens - (tokens % spec.hitIncrement));
  const cacheable = (tokens: number) => size(tokens) >= spec.minPrefixTokens;
  const eligible = points.filter((p) => cacheable(p.tokens));
  if (eligible.length === 0) return NO_CACHE;
  const candidates = lookupCandidates(eligible, boundaries, spec.lookbackBlocks, cacheable);
  const now = await ctx.clock.now();
  const entryKey = entryKeys(ctx);
  const keys = candidates.map((c) => entryKey(c.prefixHash));
  const entries = await Promise.all(keys.map((k) => ctx.store.get(k)));
  let hit = -1;
  let hitTtlMs = 0;
  for (let i = 0; i < candidates.length; i++) {
    const entry = readEntry(entries[i]);
    if (entry && entry.expiresAt > now && (hit < 0 || candidates[i]!.tokens > candidates[hit]!.tokens)) {
      hit = i;
      hitTtlMs = entry.ttlMs;
    }
  }
  const usage: CacheUsage = { read: 0, created5m: 0, created1h: 0 };
  const writes: Promise<void>[] = [];
  if (hit >= 0) {
    usage.read = size(candidates[hit]!.tokens);
    // A hit refreshes the entry for the TTL it was written with.
    writes.push(ctx.store.set(keys[hit]!, [now + hitTtlMs, hitTtlMs], hitTtlMs));
  }
  let covered = usage.read;
  for (const point of eligible) {
    const span = size(point.tokens) - covered;
    if (span <= 0) continue;
    if (point.ttl === '1h') usage.created1h += span;
    else usage.created5m += span;
    covered = size(point.tokens);
    const ttlMs = TTL_MS[point.ttl];
    writes.push(ctx.store.set(entryKey(point.prefixHash), [now + ttlMs, ttlMs], ttlMs));
  }
  await Promise.all(writes);
  return usage;
}

/** The points, and the boundaries within `lookback` blocks before each, once each, long enough to cache. */
function lookupCandidates(points: readonly CachePoint[], boundaries: readonly PromptBoundary[], lookback: number, cacheable: (tokens: number) => boolean): Candidate[] {
  const candidates: Candidate[] = [...points];
  if (lookback === 0 || boundaries.length === 0) return candidates;
  const seen = new Set(points.map((p) => p.prefixHash));
  for (const point of points) {
    if (point.block === undefined) continue;
    for (let b = point.block - 1; b >= Math.max(0, point.block - lookback); b--) {
      const boundary = boundaries[b]!;
      // Boundaries only get shorter going back: the first too short ends the walk.
      if (!cacheable(boundary.tokens)) break;
      if (seen.has(boundary.prefixHash)) continue;
      seen.add(boundary.prefixHash);
      candidates.push(boundary);
    }
  }
  return candidates;
}

/**
 * An entry is `[expiresAt, ttlMs]` in standin's clock. (The bare expiry earlier versions wrote lives at
 * most an hour in a store, so it is not read: such an entry is a miss.)
 */
function readEntry(value: unknown): { expiresAt: number; ttlMs: number } | undefined {
  if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number') return { expiresAt: value[0], ttlMs: value[1] };
  return undefined;
}

/**
 * Session first (so reset clears it), then the provider, the API key's hash (never the key) and the
 * prefix. Expiry lives in the value (standin's clock); the store's TTL only collects garbage, in real
 * time, which never runs ahead of standin's clock.
 */
function entryKeys(ctx: OperationContext): (prefixHash: string) => string {
  const keyHash = ctx.apiKey === undefined ? '-' : hashString(ctx.apiKey).toString(36) + hashString(ctx.apiKey, 0x9e3779b9).toString(36);
  return (prefixHash) => stateKey(ctx.session, 'prompt-cache', ctx.provider.name, keyHash, prefixHash);
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
