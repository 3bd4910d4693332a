/**
 * The state store of `standin serve --workers N`: each worker's store forwards every operation over the
 * cluster's IPC channel to the primary process, which answers it from one store (its memory store). So
 * `fail-first` counts, the virtual clock, Runware tasks and everything else in the store are shared by
 * all workers, and each operation is atomic because the primary runs them one at a time on one thread.
 *
 * Messages are plain objects (the IPC channel serialises them as JSON); values are JSON already.
 */
import { StateStoreError, type StateStore } from '../core/state/store.js';
import type { Json } from '../core/types.js';

/** What both ends of an IPC channel offer: a worker's `process`, or the primary's `cluster.Worker`. */
export interface IpcChannel {
  send(message: unknown, callback?: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

type Operation = 'get' | 'set' | 'increment' | 'delete' | 'append' | 'list' | 'clear';

interface StoreCall {
  standinStore: number;
  op: Operation;
  key: string;
  value?: Json;
  by?: number;
  ttlMs?: number;
  maxLength?: number;
}

interface StoreAnswer {
  standinStoreAnswer: number;
  value?: Json;
  error?: string;
}

/** An operation the primary has not answered within this time fails (the primary is stuck or gone). */
const ANSWER_TIMEOUT_MS = 10_000;

/** The worker's end: a StateStore whose operations the primary carries out. */
export function createIpcStore(channel: IpcChannel, timeoutMs = ANSWER_TIMEOUT_MS): StateStore & { fail(reason: string): void } {
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: Json | undefined) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  channel.on('message', (message) => {
    const answer = message as StoreAnswer;
    if (typeof answer?.standinStoreAnswer !== 'number') return;
    const call = pending.get(answer.standinStoreAnswer);
    if (!call) return;
    pending.delete(answer.standinStoreAnswer);
    clearTimeout(call.timer);
    if (answer.error !== undefined) call.reject(new StateStoreError(`the primary process's store: ${answer.error}`));
    else call.resolve(answer.value);
  });

  function ask(call: Omit<StoreCall, 'standinStore'>): Promise<Json | undefined> {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new StateStoreError(`${call.op}: the primary process did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      pending.set(id, { resolve, reject, timer });
      const fail = (error: Error) => {
        if (!pending.delete(id)) return;
        clearTimeout(timer);
        reject(new StateStoreError(`${call.op}: cannot reach the primary process: ${error.message}`));
      };
      try {
        channel.send({ standinStore: id, ...call }, (error) => error && fail(error));
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  return {
    get: (key) => ask({ op: 'get', key }),
    set: async (key, value, ttlMs) => void (await ask({ op: 'set', key, value, ttlMs })),
    increment: async (key, by, ttlMs) => (await ask({ op: 'increment', key, by, ttlMs })) as number,
    delete: async (key) => void (await ask({ op: 'delete', key })),
    append: async (key, value, ttlMs, maxLength) => (await ask({ op: 'append', key, value, ttlMs, maxLength })) as number,
    list: async (key) => (await ask({ op: 'list', key })) as Json[],
    clear: async (prefix) => void (await ask({ op: 'clear', key: prefix })),
    /** Fails every operation still waiting (the channel to the primary closed). */
    fail(reason) {
      for (const [id, call] of pending) {
        pending.delete(id);
        clearTimeout(call.timer);
        call.reject(new StateStoreError(`cannot reach the primary process: ${reason}`));
      }
    },
  };
}

/** The primary's end: answers one worker's store calls from `store`. Answers a function that stops it. */
export function serveStoreOverIpc(channel: IpcChannel, store: StateStore): () => void {
  const listener = (message: unknown) => {
    const call = message as StoreCall;
    if (typeof call?.standinStore !== 'number') return;
    run(store, call).then(
      (value) => reply(channel, { standinStoreAnswer: call.standinStore, value: value as Json | undefined }),
      (error: Error) => reply(channel, { standinStoreAnswer: call.standinStore, error: error.message }),
    );
  };
  channel.on('message', listener);
  return () => channel.off('message', listener);
}

function run(store: StateStore, call: StoreCall): Promise<Json | undefined | void> {
  // JSON serialisation turns an absent optional into a missing property, never null; be strict anyway.
  const ttl = call.ttlMs ?? undefined;
  switch (call.op) {
    case 'get':
      return store.get(call.key);
    case 'set':
      return store.set(call.key, call.value ?? null, ttl);
    case 'increment':
      return store.increment(call.key, Number(call.by), ttl);
    case 'delete':
      return store.delete(call.key);
    case 'append':
      return store.append(call.key, call.value ?? null, ttl, call.maxLength ?? undefined);
    case 'list':
      return store.list(call.key);
    case 'clear':
      return store.clear(call.key);
    default:
      return Promise.reject(new Error(`unknown store operation '${String(call.op)}'`));
  }
}

function reply(channel: IpcChannel, answer: StoreAnswer): void {
  try {
    channel.send(answer, () => undefined); // a worker that has gone needs no answer
  } catch {
    // the channel closed while the operation ran
  }
}
