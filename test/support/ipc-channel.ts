/**
 * Two ends of an in-process channel that behaves like Node's IPC: messages are JSON-serialised (so an
 * undefined property vanishes) and delivered on a later turn, never synchronously, in order. With
 * `delayMs`, what the first end receives arrives that much later (a busy worker); with `sendDelayMs`,
 * what it sends (a worker whose messages reach the primary late).
 */
import type { IpcChannel } from '../../src/node/ipc-store.js';

type Listener = (message: unknown) => void;

export function channelPair(delayMs = 0, sendDelayMs = 0): [IpcChannel & { close(): void }, IpcChannel & { close(): void }] {
  const listeners: [Set<Listener>, Set<Listener>] = [new Set(), new Set()];
  let open = true;
  const end = (mine: Set<Listener>, theirs: Set<Listener>, delay: number) => ({
    send(message: unknown, callback?: (error: Error | null) => void) {
      if (!open) {
        const error = new Error('Channel closed');
        if (callback) setImmediate(() => callback(error));
        else throw error;
        return false;
      }
      const text = JSON.stringify(message);
      const deliver = () => {
        for (const listener of theirs) listener(JSON.parse(text));
        callback?.(null);
      };
      if (delay > 0) setTimeout(deliver, delay);
      else setImmediate(deliver);
      return true;
    },
    on(_event: 'message', listener: Listener) {
      mine.add(listener);
    },
    off(_event: 'message', listener: Listener) {
      mine.delete(listener);
    },
    close() {
      open = false;
    },
  });
  return [end(listeners[0], listeners[1], sendDelayMs), end(listeners[1], listeners[0], delayMs)];
}
