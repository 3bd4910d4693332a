/**
 * Results kept for `getResponse`, per provider (in the engine's per-provider state). Any task the server
 * has run can be polled (GetResponseTask note); an asynchronous one answers `processing` on the first
 * poll after its acknowledgement, as a task still running would, and its results afterwards.
 */
type Obj = Record<string, unknown>;

interface StoredTask {
  items: Obj[];
  /** Polls still to be answered with `processing`. */
  pendingPolls: number;
}

const KEY = 'runware-tasks:results';
/** Oldest results are forgotten past this many tasks, so a long-running server stays bounded. */
const CAPACITY = 10_000;

function tasks(state: Map<string, unknown>): Map<string, StoredTask> {
  let map = state.get(KEY) as Map<string, StoredTask> | undefined;
  if (!map) state.set(KEY, (map = new Map()));
  return map;
}

export function storeResults(state: Map<string, unknown>, taskUUID: string, items: Obj[], async: boolean): void {
  const map = tasks(state);
  map.delete(taskUUID); // a rerun replaces the earlier results and moves to the newest end
  map.set(taskUUID, { items, pendingPolls: async ? 1 : 0 });
  if (map.size > CAPACITY) map.delete(map.keys().next().value!);
}

/** The items a poll answers, or undefined for a task this server has never run. */
export function pollResults(state: Map<string, unknown>, taskUUID: string): Obj[] | undefined {
  const stored = tasks(state).get(taskUUID);
  if (!stored) return undefined;
  if (stored.pendingPolls > 0) {
    stored.pendingPolls--;
    return [pendingItem(taskUUID)];
  }
  return stored.items;
}

/** The acknowledgement of an asynchronous task, and what a poll says while it runs (`TaskPending`). */
export function pendingItem(taskUUID: string): Obj {
  return { taskType: 'textInference', taskUUID, status: 'processing' };
}
