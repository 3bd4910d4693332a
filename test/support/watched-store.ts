/**
 * A state store that tells of every call before making it: its async calls and those of its `local`
 * face alike (both under the method's name), so a test counts what a request asked of the store
 * whichever way it asked.
 */
import type { LocalStore, StateStore } from '../../src/core/state/store.js';

export type StoreCall = (name: string, args: unknown[]) => void;

export function watchedStore(inner: StateStore, onCall: StoreCall): StateStore {
  const watched = wrapCalls(inner, onCall);
  if (inner.local) watched.local = wrapCalls(inner.local, onCall) as unknown as LocalStore;
  return watched as unknown as StateStore;
}

function wrapCalls(target: object, onCall: StoreCall): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    out[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            onCall(name, args);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          }
        : value;
  }
  return out;
}
