/**
 * The state store of `standin serve --workers N`: each worker's store forwards its operations over the
 * cluster's IPC channel to the primary process, which answers them from one store (its memory store). So
 * `fail-first` counts, the virtual clock, Runware tasks and everything else in the store are shared by
 * all workers, and each operation is atomic because the primary runs them one at a time on one thread.
 *
 * Batching: every operation a worker issues in one turn of its event loop (across all the requests it
 * is serving) goes to the primary in ONE message, answered in one message, so a busy worker pays the
 * channel's per-message cost (a JSON serialisation, a pipe write, a wake-up of the primary) once per
 * turn instead of once per operation. The primary starts a batch's operations in the order they were
 * issued, one after another, so each stays atomic and operations on one key keep their order.
 *
 * Messages are plain objects (the IPC channel serialises them as JSON); values are JSON already.
 */
import { incrementAll, StateStoreError, type StateStore } from '../core/state/store.js';
import type { Json } from '../core/types.js';
import { createAwaitedAnswers, sendQuietly, type IpcChannel } from './ipc-channel.js';
import { publishClockChanges, touchesClock, type ClockPublisher } from './ipc-clock.js';
import { gatherJournals, touchesJournal, type JournalGatherer } from './ipc-journal.js';

export type { IpcChannel } from './ipc-channel.js';

type Operation = 'get' | 'set' | 'increment' | 'incrementMany' | 'delete' | 'append' | 'list' | 'clear';

export interface StoreCall {
  op: Operation;
  key: string;
  value?: Json;
  by?: number;
  ttlMs?: number;
  maxLength?: number;
  /** incrementMany: [key, by] pairs (`key` is then unused). */
  increments?: [string, number][];
}

interface StoreBatch {
  standinStoreBatch: number;
  calls: StoreCall[];
}

/** One result per call, in order: `{ value }` (absent when the answer is undefined) or `{ error }`. */
type StoreResult = { value?: Json; error?: string };

interface StoreAnswer {
  standinStoreAnswer: number;
  results: StoreResult[];
}

/** An operation the primary has not answered within this time fails (the primary is stuck or gone). */
const ANSWER_TIMEOUT_MS = 10_000;

interface Waiting {
  call: StoreCall;
  resolve: (value: Json | undefined) => void;
  reject: (error: Error) => void;
}

/** The worker's end: a StateStore whose operations the primary carries out, a turn's worth at a time. */
export function createIpcStore(channel: IpcChannel, timeoutMs = ANSWER_TIMEOUT_MS): StateStore & { fail(reason: string): void } {
  let queued: Waiting[] = [];
  const answers = createAwaitedAnswers<StoreAnswer>(channel, timeoutMs);

  channel.on('message', (message) => {
    const answer = message as StoreAnswer;
    if (typeof answer?.standinStoreAnswer === 'number') answers.answer(answer.standinStoreAnswer, answer);
  });

  /** Sends what this turn queued as one message. */
  function flush(): void {
    const calls = queued;
    if (calls.length === 0) return; // failed meanwhile (`fail`)
    queued = [];
    answers.send((id) => ({ standinStoreBatch: id, calls: calls.map((c) => c.call) }) satisfies StoreBatch).then(
      (answer) =>
        calls.forEach((waiting, i) => {
          const result = answer.results?.[i];
          if (!result) waiting.reject(new StateStoreError(`${waiting.call.op}: the primary process answered no result`));
          else if (result.error !== undefined) waiting.reject(new StateStoreError(`the primary process's store: ${result.error}`));
          else waiting.resolve(result.value);
        }),
      (error: Error) => {
        for (const waiting of calls) waiting.reject(new StateStoreError(`${waiting.call.op}: ${error.message}`));
      },
    );
  }

  function ask(call: StoreCall): Promise<Json | undefined> {
    return new Promise((resolve, reject) => {
      // The first operation of a turn schedules the send after the turn's I/O callbacks, so every
      // request that runs in this turn adds to the same message.
      if (queued.length === 0) setImmediate(flush);
      queued.push({ call, resolve, reject });
    });
  }

  return {
    get: (key) => ask({ op: 'get', key }),
    set: async (key, value, ttlMs) => void (await ask({ op: 'set', key, value, ttlMs })),
    increment: async (key, by, ttlMs) => (await ask({ op: 'increment', key, by, ttlMs })) as number,
    incrementMany: async (increments, ttlMs) => (await ask({ op: 'incrementMany', key: '', increments: increments.map(([k, by]) => [k, by]), ttlMs })) as number[],
    delete: async (key) => void (await ask({ op: 'delete', key })),
    append: async (key, value, ttlMs, maxLength) => (await ask({ op: 'append', key, value, ttlMs, maxLength })) as number,
    list: async (key) => (await ask({ op: 'list', key })) as Json[],
    clear: async (prefix) => void (await ask({ op: 'clear', key: prefix })),
    /** Fails every operation still waiting (the channel to the primary closed). */
    fail(reason) {
      answers.failAll(reason);
      const calls = queued;
      queued = [];
      for (const waiting of calls) waiting.reject(new StateStoreError(`cannot reach the primary process: ${reason}`));
    },
  };
}

/**
 * The primary's end, shared by every worker: one store, the clock offset pushed to them all, and the
 * journal rings the workers keep (ipc-journal.ts).
 */
export interface IpcStoreServer {
  /** Answers one worker's store calls (and clock subscription); answers a function that stops it. */
  serve(channel: IpcChannel): () => void;
}

export function createIpcStoreServer(store: StateStore): IpcStoreServer {
  const clock: ClockPublisher = publishClockChanges(store);
  const journal: JournalGatherer = gatherJournals();
  return {
    serve(channel) {
      const stopClock = clock.serve(channel);
      const stopJournal = journal.serve(channel);
      const listener = (message: unknown) => {
        const batch = message as StoreBatch;
        if (typeof batch?.standinStoreBatch !== 'number' || !Array.isArray(batch.calls)) return;
        void runBatch(store, batch.calls, clock, journal).then((results) => {
          const answer: StoreAnswer = { standinStoreAnswer: batch.standinStoreBatch, results };
          sendQuietly(channel, answer);
        });
      };
      channel.on('message', listener);
      return () => {
        channel.off('message', listener);
        stopClock();
        stopJournal();
      };
    },
  };
}

/** One worker's channel served from `store` (a primary with one worker; tests). */
export function serveStoreOverIpc(channel: IpcChannel, store: StateStore): () => void {
  return createIpcStoreServer(store).serve(channel);
}

/**
 * Starts every call in order (each one's effect is applied when it starts: the memory store is
 * synchronous inside), waits for all, and, when one moved the clock's offset or emptied the journal,
 * tells every worker before answering, so no worker reads an old time or lists a cleared entry once
 * the caller has its answer.
 */
async function runBatch(store: StateStore, calls: StoreCall[], clock: ClockPublisher, journal: JournalGatherer): Promise<StoreResult[]> {
  const settled = await Promise.allSettled(calls.map((call) => run(store, call)));
  await Promise.all([calls.some(touchesClock) && clock.publish(), calls.some(touchesJournal) && journal.clearAll()]);
  return settled.map((s) => (s.status === 'fulfilled' ? { value: s.value as Json | undefined } : { error: (s.reason as Error)?.message ?? String(s.reason) }));
}

function run(store: StateStore, call: StoreCall): Promise<Json | undefined | void> {
  // JSON serialisation turns an absent optional into a missing property, never null; be strict anyway.
  const ttl = call.ttlMs ?? undefined;
  try {
    switch (call.op) {
      case 'get':
        return store.get(call.key);
      case 'set':
        return store.set(call.key, call.value ?? null, ttl);
      case 'increment':
        return store.increment(call.key, Number(call.by), ttl);
      case 'incrementMany':
        if (!Array.isArray(call.increments)) throw new Error('incrementMany without increments');
        return incrementAll(store, call.increments.map(([key, by]) => [String(key), Number(by)] as const), ttl);
      case 'delete':
        return store.delete(call.key);
      case 'append':
        return store.append(call.key, call.value ?? null, ttl, call.maxLength ?? undefined);
      case 'list':
        return store.list(call.key);
      case 'clear':
        return store.clear(call.key);
      default:
        throw new Error(`unknown store operation '${String(call.op)}'`);
    }
  } catch (error) {
    return Promise.reject(error);
  }
}
