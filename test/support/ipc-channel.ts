/**
 * Two ends of an in-process channel that behaves like Node's IPC: messages are JSON-serialised (so an
 * undefined property vanishes) and delivered on a later turn, never synchronously.
 */
import type { IpcChannel } from '../../src/node/ipc-store.js';

type Listener = (message: unknown) => void;

export function channelPair(): [IpcChannel & { close(): void }, IpcChannel & { close(): void }] {
  const listeners: [Set<Listener>, Set<Listener>] = [new Set(), new Set()];
  let open = true;
  const end = (mine: Set<Listener>, theirs: Set<Listener>) => ({
    send(message: unknown, callback?: (error: Error | null) => void) {
      if (!open) {
        const error = new Error('Channel closed');
        if (callback) setImmediate(() => callback(error));
        else throw error;
        return false;
      }
      const text = JSON.stringify(message);
      setImmediate(() => {
        for (const listener of theirs) listener(JSON.parse(text));
        callback?.(null);
      });
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
  return [end(listeners[0], listeners[1]), end(listeners[1], listeners[0])];
}
