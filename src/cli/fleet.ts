/**
 * `standin serve --workers N` and `--state redis://…`: several processes serving one port and one set of
 * sessions. The primary process forks the workers (node:cluster, which shares the listening socket among
 * them), keeps the shared memory store that their IPC stores forward to (unless Redis holds the state),
 * restarts a worker that dies, and stops them all on SIGTERM/SIGINT. Each worker runs the ordinary
 * `standin serve` with the same arguments; only its store and its start-up banner differ.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { SERVER_DEFAULTS } from '../adapters/server-guards.js';
import { createMemoryStore } from '../core/state/memory-store.js';
import type { Clock } from '../core/state/clock.js';
import type { StateStore } from '../core/state/store.js';
import { createIpcClock } from '../node/ipc-clock.js';
import { createIpcJournalRing } from '../node/ipc-journal.js';
import type { JournalRing } from '../journal/ring.js';
import { createIpcStore, createIpcStoreServer, type IpcChannel } from '../node/ipc-store.js';
import { createRedisStore } from '../node/redis-store.js';

export interface FleetPlan {
  workers: number;
  /** `redis://…` when Redis holds the state; undefined for memory (the primary's, with workers). */
  redisUrl?: string;
}

/** Reads --workers and --state; a message when either is wrong. */
export function fleetPlanOf(workers: string, state: string): FleetPlan | string {
  const count = workers === 'auto' ? availableParallelism() : Number(workers);
  if (workers !== 'auto' && (!/^\d+$/.test(workers) || count < 1 || count > 256)) {
    return `--workers must be a whole number from 1 to 256, or auto (one per core), got '${workers}'`;
  }
  if (state === 'memory') return { workers: count };
  if (/^rediss?:\/\/[^\s]+$/.test(state)) return { workers: count, redisUrl: state };
  return `--state must be memory or a redis://host:port[/db] URL, got '${state.replace(/\/\/[^@/]*@/, '//[REDACTED]@')}'`;
}

/** This process is a worker forked by `serve --workers`. */
export const isFleetWorker = (): boolean => cluster.isWorker && process.env.STANDIN_FLEET_WORKER === '1';

/** Until a worker listens, its primary going away (killed, crashed) ends it at once: nobody awaits it. */
const exitEarly = () => process.exit(1);

/** Called first thing in a worker. */
export function startFleetWorker(): void {
  process.once('disconnect', exitEarly);
}

/**
 * The store of this process: Redis, the primary's store over IPC (a worker), or undefined (memory).
 * A worker on the primary's store also keeps the clock's offset the primary pushes to it (ipc-clock.ts)
 * and its own journal ring, which the primary gathers on a read (ipc-journal.ts); otherwise the clock
 * is read from the store and the journal kept in it (both undefined).
 */
export async function openStore(plan: FleetPlan): Promise<{ store?: StateStore; clock?: Clock; journalRing?: JournalRing }> {
  if (plan.redisUrl) return { store: await createRedisStore({ url: plan.redisUrl }) };
  if (!isFleetWorker()) return {};
  const channel = process as unknown as IpcChannel;
  const store = createIpcStore(channel);
  process.once('disconnect', () => store.fail('the IPC channel closed'));
  return { store, clock: createIpcClock(channel, store), journalRing: createIpcJournalRing(channel, store) };
}

/** A worker tells the primary it is listening (the primary prints the banner once for all). */
export function reportListening(url: string): void {
  process.off('disconnect', exitEarly);
  process.send?.({ standinListening: url });
}

/**
 * Resolves when a worker should stop: SIGTERM, SIGINT, or the primary gone (its IPC channel closed,
 * e.g. killed with SIGKILL), so no worker outlives its primary.
 */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (isFleetWorker()) process.once('disconnect', () => resolve());
  });
}

/** A worker that keeps dying is restarted after a growing pause, at most this long. */
const MAX_RESTART_DELAY_MS = 5_000;

/**
 * The primary: forks one worker first (so a bad argument or fixture stops start-up with one message,
 * not N), then the others; prints the banner once all listen; restarts workers that die; stops them
 * all on SIGTERM/SIGINT. Answers the exit code.
 */
export async function runPrimary(plan: FleetPlan, argv: string[], banner: (url: string) => void): Promise<number> {
  if (plan.redisUrl) {
    // One clear start-up error instead of one per worker.
    try {
      await (await createRedisStore({ url: plan.redisUrl })).close?.();
    } catch (error) {
      console.error(`standin serve: ${(error as Error).message}`);
      return 1;
    }
  }
  const storeServer = plan.redisUrl ? undefined : createIpcStoreServer(createMemoryStore());
  cluster.setupPrimary({ args: ['serve', ...argv] });
  // From the first fork on, a signal stops every worker (even one still starting) before the primary.
  const onSignal = () => void stopAll(0);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stopping = false;
  let failedStarts = 0;
  const listening = new Set<Worker>();
  let resolveExit!: (code: number) => void;
  const exit = new Promise<number>((resolve) => (resolveExit = resolve));
  let resolveFirst!: (url: string | undefined) => void;
  const firstUrl = new Promise<string | undefined>((resolve) => (resolveFirst = resolve));
  let started = false;

  function fork(): Worker {
    const worker = cluster.fork({ STANDIN_FLEET_WORKER: '1' });
    const stopServing = storeServer?.serve(worker as unknown as IpcChannel);
    worker.on('message', (message: { standinListening?: string }) => {
      if (typeof message?.standinListening !== 'string') return;
      listening.add(worker);
      failedStarts = 0;
      resolveFirst(message.standinListening);
    });
    worker.on('exit', (code, signal) => {
      stopServing?.(); // a clock advance waits for no acknowledgement from it
      const wasListening = listening.delete(worker);
      if (stopping) return;
      if (!started) {
        // A worker that cannot start (bad fixture, port in use) has said why; the fleet stops too.
        resolveFirst(undefined);
        return;
      }
      if (!wasListening) failedStarts++;
      const delay = Math.min(100 * 2 ** failedStarts, MAX_RESTART_DELAY_MS);
      console.error(`standin: worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another in ${delay} ms`);
      setTimeout(() => stopping || fork(), delay).unref();
    });
    return worker;
  }

  fork();
  let url = await firstUrl;
  if (url !== undefined && plan.workers > 1) {
    const rest = Array.from({ length: plan.workers - 1 }, fork);
    // Every worker listening (or one failing) before the banner: a client may then use any of them.
    url = await new Promise<string | undefined>((resolve) => {
      const check = () => (rest.every((w) => listening.has(w)) ? resolve(url) : undefined);
      for (const w of rest) {
        w.on('message', check);
        w.once('exit', () => !listening.has(w) && resolve(undefined));
      }
      check();
    });
  }
  started = true;
  if (stopping) return exit;
  if (url === undefined) {
    await stopAll(1);
    return exit;
  }
  banner(url);
  console.log(`  workers    ${plan.workers} processes (pids ${Object.values(cluster.workers ?? {}).map((w) => w!.process.pid).join(', ')}), state in ${plan.redisUrl ? 'Redis' : 'the primary process'}`);

  async function stopAll(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    resolveFirst(undefined); // a start-up still waiting for workers stops waiting
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    const exited = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    for (const w of workers) w.process.kill('SIGTERM');
    // Each worker closes within its grace period; past a bound, what is left is killed.
    const bound = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), SERVER_DEFAULTS.shutdownGraceMs + 3_000);
    await Promise.all(exited);
    clearTimeout(bound);
    resolveExit(code);
  }

  return exit;
}
