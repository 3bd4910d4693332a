/**
 * standin as a fleet: `serve --workers 2` (state shared through the primary) and two separate `serve`
 * processes sharing one Redis answer as one process does, and share what is stateful: `fail-first`
 * attempt counts, the virtual clock, resets, Runware async tasks, prompt caches, rate limits, wallets. Each request goes on a connection of its own, so
 * consecutive requests land on different workers (node:cluster hands connections out round-robin) or are
 * sent to the two Redis-sharing processes in turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sampleRequests } from './support/sample-requests.js';
import { alive, send, serve, type Served } from './support/fleet.js';
import { freePort, redisSkipReason, startRedis, type RedisServer } from './support/redis.js';
import { spawnCli, waitFor } from './support/cli-process.js';
import type { JournalEntry } from '../src/standin.js';

const running: ChildProcess[] = [];
/** Requests per minute per key, provider and session; a wallet's dollars (each answer costs ~$0.0003). */
const RATE_LIMIT = 6;
const CREDITS = 0.001;
const skipRedis = redisSkipReason();
let redis: RedisServer | undefined;
let single: Served;
let workers: Served;
let shared: Served[] = [];

beforeAll(async () => {
  if (!skipRedis) redis = await startRedis();
  // Every process enforces the same rate limit and wallet, so the shared ones can be compared with one.
  const limits = ['--rate-limit', `requests=${RATE_LIMIT}`, '--credits', String(CREDITS)];
  // One after another: starting six Node processes at once would starve the other test files' servers.
  single = await serve(limits, running);
  workers = await serve(['--workers', '2', ...limits], running);
  if (redis) shared = [await serve(['--state', redis.url, ...limits], running), await serve(['--state', redis.url, ...limits], running)];
}, 200_000);

afterAll(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  await redis?.stop();
});

/** Base URLs a test sends to in turn: the two workers (one URL, alternate connections), or two processes. */
const fleets = (): [string, () => string[]][] => [
  ['--workers 2', () => [workers.url, workers.url]],
  ['two processes sharing Redis', () => shared.map((s) => s.url)],
];
const skipFleet = (name: string) => name.includes('Redis') && Boolean(skipRedis);


/**
 * A body with its creation time (OpenAI's `created`, whole seconds of standin's clock) checked to be
 * close and then left out: two requests sent a moment apart may straddle a second.
 */
function comparable(body: string): unknown {
  const json = JSON.parse(body) as Record<string, unknown>;
  if (typeof json.created === 'number') {
    expect(Math.abs(json.created - Date.now() / 1000)).toBeLessThan(120);
    delete json.created;
  }
  return json;
}

describe.each(fleets())('standin as a fleet: %s', (name, urls) => {
  it.skipIf(skipFleet(name))('answers every provider as one process does (same request, same body)', async () => {
    for (const [provider, sample] of Object.entries(sampleRequests)) {
      const one = await send(`${single.url}/${provider}${sample.path}`, { headers: sample.headers, body: sample.body });
      expect(one.status, `${provider}: ${one.body}`).toBe(200);
      for (const base of [...urls(), ...urls()]) {
        const other = await send(`${base}/${provider}${sample.path}`, { headers: sample.headers, body: sample.body });
        expect(other.status).toBe(200);
        expect(comparable(other.body), provider).toEqual(comparable(one.body));
      }
    }
  }, 120_000);

  it.skipIf(skipFleet(name))('counts Prefer: fail-first across processes', async () => {
    const { path, headers, body } = sampleRequests.anthropic!;
    const session = `fail-first-${name.length}`;
    const statuses = [];
    for (const base of [...urls(), ...urls()]) {
      const res = await send(`${base}/anthropic${path}`, { headers: { ...headers, prefer: 'code=529, fail-first=3', 'x-standin-session': session }, body });
      statuses.push(res.status);
    }
    // Counted per process, each of the two would have failed twice and answered nothing else.
    expect(statuses).toEqual([529, 529, 529, 200]);
  });

  it.skipIf(skipFleet(name))('polls a Runware async task on the other process than the one that created it', async () => {
    const [a, b] = urls() as [string, string];
    const rw = sampleRequests.runware!;
    const session = { 'x-standin-session': `runware-${name.length}` };
    const task = { ...(rw.body as Record<string, unknown>[])[0], taskUUID: randomUUID(), deliveryMethod: 'async' };
    const ack = await send(`${a}/runware${rw.path}`, { headers: { ...rw.headers, ...session }, body: [task] });
    expect(JSON.parse(ack.body)).toEqual({ data: [{ taskType: 'textInference', taskUUID: task.taskUUID, status: 'processing' }] });
    const poll = [{ taskType: 'getResponse', taskUUID: task.taskUUID }];
    const first = await send(`${b}/runware${rw.path}`, { headers: { ...rw.headers, ...session }, body: poll });
    expect(first.status, first.body).toBe(200);
    expect(JSON.parse(first.body).data[0].status).toBe('processing');
    const second = JSON.parse((await send(`${a}/runware${rw.path}`, { headers: { ...rw.headers, ...session }, body: poll })).body);
    const { deliveryMethod: _async, ...syncTask } = task;
    const inline = JSON.parse((await send(`${single.url}/runware${rw.path}`, { headers: rw.headers, body: [syncTask] })).body);
    expect(second.data[0].status).toBe('success');
    expect(second.data).toEqual(inline.data);
  });

  it.skipIf(skipFleet(name))("reads a session's prompt cache on the other process than the one that wrote it", async () => {
    const [a, b] = urls() as [string, string];
    const { path, headers } = sampleRequests.anthropic!;
    const cached = {
      model: 'claude-haiku-4-5',
      max_tokens: 32,
      system: [{ type: 'text', text: 'You are the keeper of a lighthouse log. '.repeat(700), cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'When was the lamp last lit?' }],
    };
    const session = { ...headers, 'x-standin-session': `cache-${name.length}` };
    const written = JSON.parse((await send(`${a}/anthropic${path}`, { headers: session, body: cached })).body).usage;
    expect(written.cache_creation_input_tokens).toBeGreaterThan(4_096);
    const read = JSON.parse((await send(`${b}/anthropic${path}`, { headers: session, body: cached })).body).usage;
    expect(read.cache_read_input_tokens).toBe(written.cache_creation_input_tokens);
    expect(read.cache_creation_input_tokens).toBe(0);
    // Another session on the same processes has nothing cached.
    const other = JSON.parse((await send(`${b}/anthropic${path}`, { headers: { ...headers, 'x-standin-session': `cache-other-${name.length}` }, body: cached })).body).usage;
    expect(other.cache_read_input_tokens).toBe(0);
  });

  it.skipIf(skipFleet(name))('shares a rate limit: the budget is spent across processes as in one', async () => {
    const { path, headers, body } = sampleRequests.anthropic!;
    const limited = { ...headers, 'x-api-key': `sk-rate-${name.length}`, 'x-standin-session': `rate-${name.length}` };
    const answers = [];
    for (let i = 0; i <= RATE_LIMIT; i++) answers.push(await send(`${urls()[i % 2]}/anthropic${path}`, { headers: limited, body }));
    expect(answers.map((a) => a.status)).toEqual([...Array(RATE_LIMIT).fill(200), 429]);
    expect(answers.slice(0, RATE_LIMIT).map((a) => Number(a.headers['anthropic-ratelimit-requests-remaining']))).toEqual(
      Array.from({ length: RATE_LIMIT }, (_, i) => RATE_LIMIT - 1 - i),
    );
  });

  it.skipIf(skipFleet(name))('shares a wallet: spent across processes, the same balances and the same 402 as one process', async () => {
    const { path, headers, body } = sampleRequests.bytespike!;
    /** Balances after each answer until the 402, sending to `bases` in turn. */
    const spend = async (bases: string[], who: string) => {
      const balances: number[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await send(`${bases[i % bases.length]}/bytespike${path}`, { headers: { ...headers, 'x-api-key': `sk-wallet-${who}`, 'x-standin-session': `wallet-${who}` }, body });
        if (res.status === 402) return { balances, refused: res };
        expect(res.status, res.body).toBe(200);
        balances.push(Number(res.headers['x-quota-remaining-credits']));
      }
      throw new Error(`no 402 after 60 answers; balances ${balances.join(', ')}`);
    };
    const fleet = await spend(urls(), `fleet-${name.length}`);
    const one = await spend([single.url], `one-${name.length}`);
    expect(fleet.balances.length).toBeGreaterThan(2);
    expect(fleet.balances).toEqual(one.balances);
    expect(fleet.balances.every((b, i) => i === 0 || b < fleet.balances[i - 1]!)).toBe(true);
    expect(JSON.parse(fleet.refused.body).error).toEqual(JSON.parse(one.refused.body).error);
  });

  it.skipIf(skipFleet(name))('shares the virtual clock and resets', async () => {
    const [a, b] = urls() as [string, string];
    const before = JSON.parse((await send(`${b}/_standin/clock`)).body) as { now: number };
    const advanced = await send(`${a}/_standin/clock`, { headers: { 'content-type': 'application/json' }, body: { advanceMs: 3_600_000 } });
    expect(advanced.status).toBe(200);
    for (const base of [b, a, b]) {
      const now = (JSON.parse((await send(`${base}/_standin/clock`)).body) as { now: number }).now;
      expect(now - before.now).toBeGreaterThanOrEqual(3_600_000);
      expect(now - before.now).toBeLessThan(3_600_000 + 60_000);
    }
    const { path, headers, body } = sampleRequests.anthropic!;
    const forced = { ...headers, prefer: 'code=429, fail-first=1', 'x-standin-session': `reset-${name.length}` };
    expect((await send(`${a}/anthropic${path}`, { headers: forced, body })).status).toBe(429);
    expect((await send(`${b}/_standin/reset`, { headers: { 'content-type': 'application/json' }, body: { session: `reset-${name.length}` } })).status).toBeLessThan(300);
    // The attempt count was cleared by the other process: the first attempt again fails.
    expect((await send(`${a}/anthropic${path}`, { headers: forced, body })).status).toBe(429);
  });

  // Last in this block: its full reset clears every other test's state too.
  it.skipIf(skipFleet(name))('shares the journal: lists, polls, DELETE and a full reset across processes, no key in it', async () => {
    const [a, b] = urls() as [string, string];
    const { path, headers } = sampleRequests.anthropic!;
    // A made-up key, assembled so no file holds a string shaped like a real one.
    const key = ['sk-ant', 'api03', 'Fleet7Journal2Key9Xq4'].join('-');
    const session = `journal-${name.length}`;
    const ask = (base: string, text: string) =>
      send(`${base}/anthropic${path}`, { headers: { ...headers, 'x-api-key': key, 'x-standin-session': session }, body: { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: text }] } });
    type Listing = { lastId: number; clearedAfter: number; entries: JournalEntry[] };
    const list = async (base: string, query = ''): Promise<Listing> => {
      const res = await send(`${base}/_standin/journal?session=${session}${query}`);
      expect(res.status, res.body).toBe(200);
      expect(res.body).not.toContain(key);
      expect(res.body).not.toContain(key.slice(8, 24));
      return JSON.parse(res.body) as Listing;
    };
    const prompts = (l: Listing) => l.entries.map((e) => (JSON.parse(e.request.body!) as { messages: { content: string }[] }).messages[0]!.content);
    // Fresh connections alternate between the workers (or go to each process in turn), so each of
    // these is answered by the other process than the one before. (Six calls at most before the
    // reset: the rate limit of this block is six a minute.)
    for (const [i, text] of ['one', 'two', 'three'].entries()) expect((await ask([a, b][i % 2]!, text)).status).toBe(200);
    let seen = 0;
    for (const base of [a, b, a, b]) {
      const listing = await list(base);
      expect(prompts(listing)).toEqual(['one', 'two', 'three']);
      const ids = listing.entries.map((e) => e.id);
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      seen = ids.at(-1)!;
      expect(listing.lastId).toBeGreaterThanOrEqual(seen);
    }
    // A poller asking each process in turn for what is new sees what the other answered.
    for (const [i, text] of ['five', 'six'].entries()) {
      expect((await ask([a, b][i % 2]!, text)).status).toBe(200);
      for (const base of [b, a]) expect(prompts(await list(base, `&after=${seen}`))).toEqual([text]);
      seen = (await list(a, `&after=${seen}`)).entries[0]!.id;
    }
    expect((await send(`${b}/_standin/journal`, { method: 'DELETE' })).status).toBe(200);
    for (const base of [a, b, a, b]) {
      const listing = await list(base);
      expect(listing.entries).toEqual([]);
      expect(listing.clearedAfter).toBeGreaterThanOrEqual(seen);
    }
    expect((await ask(a, 'seven')).status).toBe(200);
    for (const base of [b, a]) expect(prompts(await list(base))).toEqual(['seven']);
    expect((await send(`${a}/_standin/reset`, { headers: { 'content-type': 'application/json' }, body: {} })).status).toBe(200);
    for (const base of [b, a, b, a]) {
      const res = JSON.parse((await send(`${base}/_standin/journal`)).body) as Listing;
      expect(res.entries).toEqual([]);
      expect(res.lastId).toBe(0);
    }
    expect((await ask(b, 'eight')).status).toBe(200);
    for (const base of [a, b]) expect((await list(base)).entries.map((e) => e.id)).toEqual([1]);
  });
});

describe('the fleet when something fails', () => {
  it.skipIf(Boolean(skipRedis))('Redis gone: a request needing the store is a 500 saying so, and the process keeps serving', async () => {
    const [a] = shared as [Served];
    await redis!.stop();
    const { path, headers, body } = sampleRequests.anthropic!;
    const res = await send(`${a.url}/anthropic${path}`, { headers: { ...headers, prefer: 'code=429, fail-first=1' }, body });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body).detail ?? res.body).toMatch(/state store failed: .*Redis at redis:\/\/127\.0\.0\.1/);
    expect((await send(`${a.url}/health`)).status).toBe(200);
    expect(a.child.exitCode).toBeNull();
  });

  it('a worker that dies is replaced; SIGTERM stops the primary and every worker', async () => {
    const pids = () => /pids ([\d, ]+)\)/.exec(workers.output())![1]!.split(', ').map(Number);
    const [first, second] = pids() as [number, number];
    process.kill(first, 'SIGKILL');
    await waitFor(workers.output, new RegExp(`worker ${first} exited \\(SIGKILL\\); starting another`), 10_000);
    // Served throughout, and the replacement serves too: every connection answers.
    const { path, headers, body } = sampleRequests.anthropic!;
    const deadline = Date.now() + 60_000;
    let replaced: number | undefined;
    while (replaced === undefined && Date.now() < deadline) {
      expect((await send(`${workers.url}/anthropic${path}`, { headers, body })).status).toBe(200);
      const children = (await import('node:child_process')).execFileSync('ps', ['-o', 'pid=', '--ppid', String(workers.child.pid)], { encoding: 'utf8' });
      replaced = children.split('\n').map(Number).find((pid) => pid > 0 && pid !== first && pid !== second);
      if (replaced === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    expect(replaced).toBeDefined();
    for (let i = 0; i < 4; i++) expect((await send(`${workers.url}/anthropic${path}`, { headers, body })).status).toBe(200);
    // The replacement keeps the shared clock too: an advance answered by either worker is seen by both.
    const clockAt = async (init?: { headers: Record<string, string>; body: unknown }) => (JSON.parse((await send(`${workers.url}/_standin/clock`, init)).body) as { now: number }).now;
    const moved = await clockAt({ headers: { 'content-type': 'application/json' }, body: { advanceMs: 120_000 } });
    for (let i = 0; i < 4; i++) {
      const now = await clockAt();
      expect(now).toBeGreaterThanOrEqual(moved);
      expect(now - moved).toBeLessThan(30_000);
    }
    const sent = Date.now();
    workers.child.kill('SIGTERM');
    expect(await workers.exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    for (const pid of [second, replaced!]) expect(alive(pid), `worker ${pid}`).toBe(false);
  });

  it('refuses a wrong --workers or --state, and an unreachable Redis, with a clear message', async () => {
    const port = await freePort();
    const cases: [string[], number, RegExp][] = [
      [['--workers', '0'], 2, /--workers must be a whole number from 1 to 256, or auto/],
      [['--workers', 'many'], 2, /--workers must be/],
      [['--state', 'postgres://x'], 2, /--state must be memory or a redis:\/\/host:port\[\/db\] URL/],
      [['--state', `redis://127.0.0.1:${port}`], 1, new RegExp(`cannot use Redis at redis://127\\.0\\.0\\.1:${port} as the state store: .*ECONNREFUSED`)],
      [['--workers', '2', '--state', `redis://127.0.0.1:${port}`], 1, /cannot use Redis at/],
    ];
    const clis = cases.map(([args]) => spawnCli(['serve', '--port', '0', ...args], running));
    for (const [i, [, code, message]] of cases.entries()) {
      const cli = clis[i]!;
      expect(await cli.exited, cli.output()).toBe(code);
      expect(cli.output()).toMatch(message);
      expect(cli.output()).not.toMatch(/\n\s+at /); // no stack trace
    }
  }, 120_000);
});
