/**
 * A StateStore on Redis, so several standin processes (cluster workers, or instances on several machines
 * behind a load balancer) serve one consistent set of sessions. Node only (TCP through the `redis`
 * client, loaded on first use so a server without Redis never pays for it).
 *
 * Every key is put under a namespace (`standin:` by default) so `clear('')` removes standin's keys and
 * nothing else in the database. Values are JSON text; lists are Redis lists of JSON items. Whatever must
 * be atomic (increment with its first TTL, append with its ring trim) is one Lua script, so two processes
 * never interleave inside it. Clearing walks the namespace with SCAN, never KEYS, so a large database is
 * not blocked.
 *
 * Failures: `createRedisStore` rejects with a clear message when Redis cannot be reached at start; later,
 * every operation that fails (connection lost, a command error) rejects with a StateStoreError, which the
 * engine answers as a 500 problem. Commands are not queued while disconnected: a request fails fast
 * instead of hanging until Redis comes back.
 */
import { createHash } from 'node:crypto';
import { createRedactor } from '../core/redact.js';
import { StateStoreError, type StateStore } from '../core/state/store.js';
import type { Json } from '../core/types.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Put before every key, so standin's keys can share a database with others (default `standin:`). */
  namespace?: string;
  /** How long the first connection may take before start-up fails (default 5000 ms). */
  connectTimeoutMs?: number;
}

/**
 * Adds `by` to a number (0 when absent, or when the key holds no number) and answers the sum as text.
 * The TTL applies only when the key is created, as in the memory store; an existing key keeps its own.
 * `%.17g` keeps every bit of the double, so sums are exactly what JavaScript would compute.
 */
const ADD = `
local function add(key, by, ttlArg)
  local kind = redis.call('TYPE', key).ok
  if kind == 'string' then
    local sum = string.format('%.17g', (tonumber(redis.call('GET', key)) or 0) + by)
    redis.call('SET', key, sum, 'KEEPTTL')
    return sum
  end
  local ttl = -1
  if kind ~= 'none' then
    ttl = redis.call('PTTL', key)
    redis.call('DEL', key)
  elseif ttlArg ~= '' then
    ttl = tonumber(ttlArg)
  end
  local sum = string.format('%.17g', by)
  if ttl > 0 then redis.call('SET', key, sum, 'PX', ttl) else redis.call('SET', key, sum) end
  return sum
end
`;

const INCREMENT = `${ADD}
return add(KEYS[1], tonumber(ARGV[1]), ARGV[2])
`;

/** The increment above for every key in order (ARGV: the ttl, then one amount per key), in one script: one round trip. */
const INCREMENT_MANY = `${ADD}
local sums = {}
for i, key in ipairs(KEYS) do sums[i] = add(key, tonumber(ARGV[i + 1]), ARGV[1]) end
return sums
`;

/**
 * Appends one JSON item and answers the new length; with a maximum, trims the oldest items (a ring).
 * A key holding a plain value is replaced by a new list, as in the memory store.
 */
const APPEND = `
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'list' then
  if kind ~= 'none' then redis.call('DEL', KEYS[1]) end
  redis.call('RPUSH', KEYS[1], ARGV[1])
  if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return 1
end
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local max = tonumber(ARGV[3])
if max and length > max then
  redis.call('LTRIM', KEYS[1], -max, -1)
  return max
end
return length
`;

/** Keys removed per round trip while clearing. */
const SCAN_COUNT = 500;

type Client = {
  connect(): Promise<unknown>;
  sendCommand<T = unknown>(args: string[]): Promise<T>;
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<unknown>;
  destroy(): void;
  isReady: boolean;
};

/** Connects (failing with a clear message when Redis cannot be reached) and answers the store. */
export async function createRedisStore(options: RedisStoreOptions): Promise<StateStore> {
  const namespace = options.namespace ?? 'standin:';
  // The URL's password never reaches a message: neither in the URL nor echoed in an error.
  const hide = createRedactor([passwordOf(options.url)]);
  const where = hide(options.url);
  const { createClient } = await import('redis');
  let connected = false;
  let lastError: Error | undefined;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // Before the first connection: give up at once, so start-up says Redis is unreachable. After it:
      // keep trying (commands fail meanwhile), backing off to one attempt a second.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(50 * 2 ** retries, 1_000) : cause),
    },
  }) as unknown as Client;
  // Without a listener, a connection error would be thrown as an uncaught exception and end the process.
  client.on('error', (error) => {
    if (connected && error.message !== lastError?.message) console.error(hide(`standin: state store (Redis at ${where}): ${error.message}`));
    lastError = error;
  });
  try {
    await client.connect();
    await client.sendCommand(['PING']);
  } catch (error) {
    client.destroy();
    throw new Error(hide(`cannot use Redis at ${where} as the state store: ${describe(error)}`));
  }
  connected = true;

  const shas = new Map<string, string>();
  /** EVALSHA, sending the script itself only when Redis does not know it yet (or forgot it). */
  async function run(script: string, keys: string | string[], args: string[]): Promise<unknown> {
    let sha = shas.get(script);
    if (!sha) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    const keyArgs = typeof keys === 'string' ? ['1', keys] : [String(keys.length), ...keys];
    try {
      return await client.sendCommand(['EVALSHA', sha, ...keyArgs, ...args]);
    } catch (error) {
      if (!/NOSCRIPT/.test(describe(error))) throw error;
      return client.sendCommand(['EVAL', script, ...keyArgs, ...args]);
    }
  }

  /** Every failure becomes a StateStoreError naming the operation and Redis. */
  async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new StateStoreError(hide(`${operation} on Redis at ${where}: ${describe(error)}`), { cause: error });
    }
  }

  const ns = (key: string) => namespace + key;
  const ttlArg = (ttlMs: number | undefined) => (ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs))));

  return {
    get: (key) =>
      guard('get', async () => {
        try {
          const text = await client.sendCommand<string | null>(['GET', ns(key)]);
          return text === null ? undefined : (JSON.parse(text) as Json);
        } catch (error) {
          // A list (append) read with get answers the list, as the memory store does.
          if (/WRONGTYPE/.test(describe(error))) return parseItems(await client.sendCommand<string[]>(['LRANGE', ns(key), '0', '-1']));
          throw error;
        }
      }),
    set: (key, value, ttlMs) =>
      guard('set', async () => {
        const args = ['SET', ns(key), JSON.stringify(value)];
        if (ttlMs !== undefined) args.push('PX', ttlArg(ttlMs));
        await client.sendCommand(args);
      }),
    increment: (key, by, ttlMs) =>
      guard('increment', async () => {
        if (!Number.isFinite(by)) throw new RangeError(`increment by ${by}: not a finite number`);
        return Number(await run(INCREMENT, ns(key), [String(by), ttlArg(ttlMs)]));
      }),
    incrementMany: (increments, ttlMs) =>
      guard('incrementMany', async () => {
        if (increments.length === 0) return [];
        const bad = increments.find(([, by]) => !Number.isFinite(by));
        if (bad) throw new RangeError(`increment by ${bad[1]}: not a finite number`);
        const sums = (await run(
          INCREMENT_MANY,
          increments.map(([key]) => ns(key)),
          [ttlArg(ttlMs), ...increments.map(([, by]) => String(by))],
        )) as string[];
        return sums.map(Number);
      }),
    delete: (key) =>
      guard('delete', async () => {
        await client.sendCommand(['DEL', ns(key)]);
      }),
    append: (key, value, ttlMs, maxLength) =>
      guard('append', async () => {
        const max = maxLength === undefined ? '' : String(Math.max(1, Math.floor(maxLength)));
        return Number(await run(APPEND, ns(key), [JSON.stringify(value), ttlArg(ttlMs), max]));
      }),
    list: (key) =>
      guard('list', async () => {
        try {
          return parseItems(await client.sendCommand<string[]>(['LRANGE', ns(key), '0', '-1']));
        } catch (error) {
          if (/WRONGTYPE/.test(describe(error))) return []; // a plain value is not a list
          throw error;
        }
      }),
    clear: (prefix) =>
      guard('clear', async () => {
        for await (const keys of client.scanIterator({ MATCH: `${globEscape(ns(prefix))}*`, COUNT: SCAN_COUNT })) {
          if (keys.length > 0) await client.sendCommand(['UNLINK', ...keys]);
        }
      }),
    close: async () => {
      try {
        await client.close();
      } catch {
        client.destroy(); // already disconnected: nothing to flush
      }
    },
  };
}

function parseItems(items: string[]): Json[] {
  return items.map((item) => JSON.parse(item) as Json);
}

/** SCAN's MATCH is a glob: a prefix holding `*`, `?`, `[`, `]` or `\` must match itself only. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  const e = error as NodeJS.ErrnoException;
  return e?.message || e?.code || String(error);
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
