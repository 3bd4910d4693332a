/**
 * The rate-limit budgets of a provider: what its document advertises (`x-standin-rate-limits`), with
 * the limits `--rate-limit` sets laid over them. A set limit is enforced (a 429 when spent); an
 * advertised one is only counted, so the headers tell the truth without refusing anyone.
 */
import type { JsonObject, ProviderRuntime, RateLimitBucket } from '../types.js';

/** Limits set by `standin serve --rate-limit` (or the `rateLimits` option): per key, per minute. */
export interface RateLimitSettings {
  requests?: number;
  'input-tokens'?: number;
  'output-tokens'?: number;
}

export interface Bucket {
  name: RateLimitBucket;
  limit: number;
  windowMs: number;
  enforced: boolean;
  /** Some answer of the provider shows it in a header. */
  shown: boolean;
  /** Its `x-standin-value` names, spelt once. */
  values: { limit: string; remaining: string; reset: string };
  /** The limit as its header shows it, written once: every answer shows it, and the journal keeps it. */
  limitText: string;
}

/** A budget as a document states it. */
export type AdvertisedBucket = Pick<Bucket, 'name' | 'limit' | 'windowMs'>;

function valueNames(name: RateLimitBucket): Bucket['values'] {
  return { limit: `ratelimit-${name}-limit`, remaining: `ratelimit-${name}-remaining`, reset: `ratelimit-${name}-reset` };
}

export const BUCKETS: readonly RateLimitBucket[] = ['requests', 'tokens', 'input-tokens', 'output-tokens', 'spend'];
export const SETTABLE: readonly (keyof RateLimitSettings)[] = ['requests', 'input-tokens', 'output-tokens'];

/** `--rate-limit` limits are per minute, as the providers' own limits are stated. */
const SET_WINDOW_MS = 60_000;

/** The document's budgets, checked at start-up: a malformed one is an error, not a silent default. */
export function advertisedBuckets(provider: ProviderRuntime): AdvertisedBucket[] {
  const raw = provider.document['x-standin-rate-limits'] as JsonObject | undefined;
  if (raw === undefined) return [];
  const out: AdvertisedBucket[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith('x-')) continue;
    const spec = value as JsonObject | null;
    const limit = Number(spec?.limit);
    const seconds = Number(spec?.['window-seconds']);
    if (!BUCKETS.includes(name as RateLimitBucket) || !(limit > 0) || !(seconds > 0)) {
      throw new Error(`standin: ${provider.name}: x-standin-rate-limits.${name} must be one of ${BUCKETS.join(', ')} with a positive limit and window-seconds`);
    }
    out.push({ name: name as RateLimitBucket, limit, windowMs: seconds * 1000 });
  }
  return out;
}

/** The provider's budgets under the given settings, each marked enforced and/or shown. */
export function bucketsFor(provider: ProviderRuntime, settings: RateLimitSettings): Bucket[] {
  const shown = shownBuckets(provider);
  const buckets: Bucket[] = advertisedBuckets(provider).map((b) => ({ ...b, enforced: false, shown: shown.has(b.name), values: valueNames(b.name), limitText: String(b.limit) }));
  for (const name of SETTABLE) {
    const limit = settings[name];
    if (limit === undefined) continue;
    const existing = buckets.find((b) => b.name === name);
    const set = { name, limit, windowMs: SET_WINDOW_MS, enforced: true, shown: shown.has(name), values: valueNames(name), limitText: String(limit) };
    if (existing) Object.assign(existing, set);
    else buckets.push(set);
  }
  // `tokens` is input and output together: counting it needs both.
  return buckets.filter((b) => b.enforced || b.shown);
}

function shownBuckets(provider: ProviderRuntime): Set<RateLimitBucket> {
  const shown = new Set<RateLimitBucket>();
  for (const op of provider.operations) {
    for (const spec of [...op.successHeaders, ...[...op.catalogue.values()].flatMap((e) => e.headers)]) {
      const match = spec.derived?.match(/^ratelimit-(.+)-(limit|remaining|reset)$/);
      if (match) shown.add(match[1] as RateLimitBucket);
    }
  }
  return shown;
}

/** Parses `requests=3,input-tokens=1000` (the CLI's `--rate-limit`); throws a clear message. */
export function parseRateLimit(text: string): RateLimitSettings {
  const settings: RateLimitSettings = {};
  for (const part of text.split(',')) {
    const [name, value, extra] = part.trim().split('=');
    if (!SETTABLE.includes(name as keyof RateLimitSettings) || value === undefined || extra !== undefined || !/^\d+$/.test(value.trim()) || Number(value) < 1) {
      throw new Error(`--rate-limit takes ${SETTABLE.map((n) => `${n}=N`).join(',')} (N a positive whole number), not "${part.trim()}"`);
    }
    settings[name as keyof RateLimitSettings] = Number(value);
  }
  return settings;
}
