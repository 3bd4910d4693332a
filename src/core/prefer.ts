/**
 * Per-request directives, after Prism's `Prefer` convention: `Prefer: code=429, fail-first=1`.
 * The same directives may be given as query parameters prefixed with `__` (`?__code=429`), for clients
 * that cannot set headers; the header wins when both are present.
 */
export interface Prefer {
  /** Answer with this documented status instead of a success. */
  code?: number;
  /** Only the first N attempts of this request get `code`; later ones succeed (SDK retry tests). */
  failFirst?: number;
  /** Seconds for `retry-after` on the forced error. */
  retryAfter?: number;
  /** Send a mid-stream error event of this type (e.g. `overloaded_error`; empty: the provider's first 5xx) ... */
  streamError?: string;
  /** ... after this many events (default 3). */
  streamErrorAfter?: number;
  /** `x-should-retry` on the forced error (default: what the SDKs' own status rule would decide). */
  shouldRetry?: boolean;
  ttftMs?: number;
  tokensPerSecond?: number;
  /** Close the connection after this many SSE events, pings included (no error event, no terminator). */
  disconnectAfter?: number;
  /** Chance (0 to 1) that a request draws a fault from the session's seeded chaos sequence. */
  chaos?: number;
  /** Seed of the chaos sequence (default: the server's `--chaos-seed`, else 0). */
  chaosSeed?: number;
  /** Directives that were not understood, reported back in a diagnostic header. */
  unknown: string[];
  /**
   * A directive understood but outside standin's limits (`PREFER_LIMITS`): the request is refused with
   * standin's problem+json naming it, rather than holding a connection for hours or overflowing a timer.
   */
  outOfRange?: string;
}

/**
 * The ranges standin accepts for numeric directives (documented in README). Timing directives are
 * bounded so one request cannot hold a connection (and shutdown) for hours; 0 stays "no delay" /
 * "as fast as possible". Counts are bounded to what a test can sensibly ask for.
 */
export const PREFER_LIMITS: Record<string, { min: number; max: number; unit: string; zero?: boolean; whole?: boolean }> = {
  code: { min: 100, max: 599, unit: 'HTTP status', whole: true },
  'fail-first': { min: 0, max: 100, unit: 'attempts', whole: true },
  'retry-after': { min: 0, max: 3_600, unit: 'seconds' },
  'stream-error-after': { min: 0, max: 10_000, unit: 'events', whole: true },
  'ttft-ms': { min: 0, max: 60_000, unit: 'milliseconds' },
  // At 1 token per second a max_tokens of 4096 still takes over an hour; below that a stream never ends.
  'tokens-per-second': { min: 1, max: 1_000_000, unit: 'tokens per second', zero: true },
  'disconnect-after': { min: 0, max: 10_000, unit: 'events', whole: true },
  chaos: { min: 0, max: 1, unit: '(a probability)' },
  'chaos-seed': { min: 0, max: 4_294_967_295, unit: '(a 32-bit seed)', whole: true },
};

const NUMERIC: Record<string, keyof Prefer> = {
  code: 'code',
  'fail-first': 'failFirst',
  'retry-after': 'retryAfter',
  'stream-error-after': 'streamErrorAfter',
  'ttft-ms': 'ttftMs',
  'tokens-per-second': 'tokensPerSecond',
  'disconnect-after': 'disconnectAfter',
  chaos: 'chaos',
  'chaos-seed': 'chaosSeed',
};

/** What a request without directives gets: shared, so the common case allocates nothing. */
const NO_DIRECTIVES: Prefer = Object.freeze({ unknown: Object.freeze([]) as unknown as string[] });

export function parsePrefer(header: string | null, query: URLSearchParams): Prefer {
  if (!header && query.size === 0) return NO_DIRECTIVES;
  const prefer: Prefer = { unknown: [] };
  const pairs: [string, string][] = [];
  if (header) {
    for (const part of header.split(/[,;]/)) {
      const [k, ...rest] = part.split('=');
      const key = k?.trim().toLowerCase();
      if (key) pairs.push([key, rest.join('=').trim().replace(/^"|"$/g, '')]);
    }
  } else {
    for (const [k, v] of query) if (k.startsWith('__')) pairs.push([k.slice(2).toLowerCase(), v]);
  }
  for (const [key, value] of pairs) {
    const field = NUMERIC[key];
    if (field) {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) prefer.unknown.push(key);
      else if (!withinLimits(key, n)) prefer.outOfRange ??= describeLimit(key, value);
      else (prefer as unknown as Record<string, number>)[field] = n;
    } else if (key === 'should-retry' && (value === 'true' || value === 'false')) {
      prefer.shouldRetry = value === 'true';
    } else if (key === 'stream-error') {
      prefer.streamError = value;
    } else if (key === 'dynamic' || key === 'example') {
      // Prism directives that have no meaning here: responses are always synthesised.
    } else {
      prefer.unknown.push(key);
    }
  }
  return prefer;
}

function withinLimits(directive: string, n: number): boolean {
  const limit = PREFER_LIMITS[directive]!;
  if (limit.zero && n === 0) return true;
  return n >= limit.min && n <= limit.max && (!limit.whole || Number.isInteger(n));
}

function describeLimit(directive: string, value: string): string {
  const limit = PREFER_LIMITS[directive]!;
  const range = `${limit.whole ? 'a whole number ' : ''}from ${limit.min} to ${limit.max} ${limit.unit}${limit.zero ? ' (or 0)' : ''}`;
  return `Prefer ${directive}=${value.slice(0, 40)} is outside standin's limits: ${directive} must be ${range}`;
}
