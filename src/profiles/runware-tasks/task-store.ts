/**
 * Results kept for `getResponse`, in the state store under the request's session, so a task created
 * through one process can be polled through another that shares the store. Any task the server has run
 * can be polled (GetResponseTask note). An asynchronous one is still running until its completion time in
 * standin's clock (`ASYNC_RUN_MS` after it was acknowledged): a poll before then answers `processing`,
 * except that a task already reported as `processing` once completes at the next poll, so a client that
 * polls in a loop never waits on a clock nobody moves. `POST /_standin/clock` past the completion time
 * makes even the first poll answer the results.
 */
import { stateKey } from '../../core/state/store.js';
import type { Json, OperationContext } from '../../core/types.js';

type Obj = Record<string, unknown>;

interface StoredTask {
  items: Json[];
  /** standin's time (epoch ms) at which an asynchronous task has finished; 0 for a sync one. */
  readyAt: number;
}

/** How long an asynchronous task runs, in standin's clock (a short generation's wall time at Runware). */
export const ASYNC_RUN_MS = 2_000;
/** Results are garbage after this long (real time), so a long-running server stays bounded. */
const RESULT_TTL_MS = 60 * 60_000;

const taskKey = (ctx: OperationContext, taskUUID: string) => stateKey(ctx.session, 'runware-task', ctx.provider.name, taskUUID);
const pollKey = (ctx: OperationContext, taskUUID: string) => stateKey(ctx.session, 'runware-task-polls', ctx.provider.name, taskUUID);

/** Keeps a task's results; a rerun of the same taskUUID replaces them and starts its run again. */
export async function storeResults(ctx: OperationContext, taskUUID: string, items: Obj[], async: boolean): Promise<void> {
  const readyAt = async ? (await ctx.clock.now()) + ASYNC_RUN_MS : 0;
  const stored: StoredTask = { items: items as Json[], readyAt };
  await ctx.store.set(taskKey(ctx, taskUUID), stored as unknown as Json, RESULT_TTL_MS);
  if (async) await ctx.store.delete(pollKey(ctx, taskUUID));
}

/** The items a poll answers, or undefined for a task this session has never run. */
export async function pollResults(ctx: OperationContext, taskUUID: string): Promise<Obj[] | undefined> {
  const stored = (await ctx.store.get(taskKey(ctx, taskUUID))) as StoredTask | undefined;
  if (!stored) return undefined;
  if (stored.readyAt > 0 && stored.readyAt > (await ctx.clock.now())) {
    // The poll count is kept apart and incremented atomically, so two processes polling at once agree.
    const polls = await ctx.store.increment(pollKey(ctx, taskUUID), 1, RESULT_TTL_MS);
    if (polls === 1) return [pendingItem(taskUUID)];
  }
  return stored.items as Obj[];
}

/** The acknowledgement of an asynchronous task, and what a poll says while it runs (`TaskPending`). */
export function pendingItem(taskUUID: string): Obj {
  return { taskType: 'textInference', taskUUID, status: 'processing' };
}
