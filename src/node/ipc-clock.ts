/**
 * The virtual clock of `standin serve --workers N` without a store round trip per `now()`.
 *
 * The offset lives in the primary's store as for one process (CLOCK_OFFSET_KEY), but each worker also
 * keeps a copy the primary pushes to it: once when the worker subscribes, and again whenever a store
 * operation changes the offset (an advance, a reset of everything). The primary answers that operation
 * only once every subscribed worker has acknowledged the new offset, so after a client gets the answer
 * to `POST /_standin/clock` (or a reset), no worker serves a time from before it. A request that was
 * already running when the offset moved may still use the time it read: it was concurrent with the move.
 *
 * Until its subscription is answered, a worker reads the offset from the store, as one process does.
 */
import { CLOCK_OFFSET_KEY, clockOffset, createClock, type Clock } from '../core/state/clock.js';
import type { StateStore } from '../core/state/store.js';
import { createGathering, sendQuietly, type IpcChannel } from './ipc-channel.js';

interface Subscribe {
  standinClockSubscribe: true;
}

/** Primary → worker. `version` orders pushes (a late subscription answer never undoes a newer push). */
interface OffsetPush {
  standinClockOffset: number;
  version: number;
  /** Present when the primary waits for this worker's acknowledgement. */
  ack?: number;
}

interface Ack {
  standinClockAck: number;
}

/** Whether a store call may change the clock's offset (so the workers must be told before it is answered). */
export function touchesClock(call: { op: string; key: string; increments?: [string, number][] }): boolean {
  if (call.op === 'get' || call.op === 'list') return false;
  if (call.op === 'clear') return CLOCK_OFFSET_KEY.startsWith(call.key);
  if (call.op === 'incrementMany') return (call.increments ?? []).some(([key]) => key === CLOCK_OFFSET_KEY);
  return call.key === CLOCK_OFFSET_KEY;
}

export interface ClockPublisher {
  /** Handles one worker's subscription and acknowledgements; answers a function that forgets the worker. */
  serve(channel: IpcChannel): () => void;
  /** Pushes the offset now in the store to every subscribed worker; resolves once each has acknowledged it or gone. */
  publish(): Promise<void>;
}

export function publishClockChanges(store: StateStore): ClockPublisher {
  const subscribers = new Set<IpcChannel>();
  /** Pushes awaiting every subscriber's acknowledgement. */
  const pushes = createGathering<true>();
  let version = 0;

  const offset = () => clockOffset(store);

  return {
    serve(channel) {
      const listener = (message: unknown) => {
        if ((message as Subscribe)?.standinClockSubscribe === true) {
          subscribers.add(channel);
          const at = version;
          void offset().then(
            (ms) => sendQuietly(channel, { standinClockOffset: ms, version: at } satisfies OffsetPush),
            () => undefined, // the worker keeps reading the store
          );
        } else if (typeof (message as Ack)?.standinClockAck === 'number') {
          pushes.answered((message as Ack).standinClockAck, channel, true);
        }
      };
      channel.on('message', listener);
      return () => {
        channel.off('message', listener);
        subscribers.delete(channel);
        pushes.forget(channel);
      };
    },

    async publish() {
      const at = ++version;
      const ms = await offset();
      await pushes.send(subscribers, (id) => ({ standinClockOffset: ms, version: at, ack: id }) satisfies OffsetPush);
    },
  };
}

/**
 * A worker's clock: the offset the primary pushed, plus this machine's wall clock. Moving it goes
 * through the store (so the primary publishes it to every worker before the move is answered).
 */
export function createIpcClock(channel: IpcChannel, store: StateStore, wall: () => number = Date.now): Clock {
  const viaStore = createClock(store, wall);
  let offset: number | undefined;
  let version = -1;
  channel.on('message', (message) => {
    const push = message as OffsetPush;
    if (typeof push?.standinClockOffset !== 'number' || typeof push.version !== 'number') return;
    if (push.version >= version) {
      version = push.version;
      offset = push.standinClockOffset;
    }
    if (typeof push.ack === 'number') sendQuietly(channel, { standinClockAck: push.ack } satisfies Ack);
  });
  sendQuietly(channel, { standinClockSubscribe: true } satisfies Subscribe);
  return {
    now: () => (offset === undefined ? viaStore.now() : Promise.resolve(wall() + offset)),
    advance: (ms) => viaStore.advance(ms),
  };
}
