/**
 * The journal of `standin serve --workers N` (state in the primary): each worker keeps the entries of
 * the exchanges it answered in its own memory, packed and sealed only when read, as one process does (a
 * `LocalRing`), instead of sealing every exchange as it ends and sending ~3 KB of text to the primary.
 * A read gathers every worker's entries:
 *
 * - list: the worker asks the primary, which asks every live worker for its ring's ids and its entries
 *   that pass the filter, and answers the fleet's newest `capacity` entries (by id) that pass it, oldest
 *   first. Ids still come from the primary's store counter, so they are unique and increasing across
 *   the fleet, and `?after=` polling works on any worker.
 * - clear: a delete of the ring's key, or a clear of the store that covers it (a full reset), is
 *   answered by the primary only once every worker has emptied its ring (as a clock move waits for
 *   every worker's acknowledgement, ipc-clock.ts), so no worker lists an entry from before an answered
 *   clear. A worker that exits is not waited for; its entries are gone with it.
 */
import type { JournalEntry } from '../journal/entry.js';
import { createRedactorCache } from '../journal/seal-entry.js';
import { createLocalRing, JOURNAL_RING_KEY, type JournalFilter, type JournalRing } from '../journal/ring.js';
import { StateStoreError, type StateStore } from '../core/state/store.js';
import { createAwaitedAnswers, createGathering, sendQuietly, type IpcChannel } from './ipc-channel.js';

/** Worker → primary: this worker keeps a ring (so reads ask it, clears wait for it). */
interface Join {
  standinJournalJoin: true;
}

/** Worker → primary: list the fleet's entries. */
interface ListRequest {
  standinJournalList: number;
  filter: JournalFilter;
  capacity: number;
}

/** Primary → worker: the answer to a ListRequest (or why there is none). */
interface ListAnswer {
  standinJournalListed: number;
  entries?: JournalEntry[];
  error?: string;
}

/** Primary → worker: send your ring's entries (`collect`) or empty it (no `collect`). */
interface Ask {
  standinJournalAsk: number;
  collect?: { filter: JournalFilter };
}

/** Worker → primary: the answer to an Ask. */
interface Reply {
  standinJournalReply: number;
  ids?: number[];
  entries?: JournalEntry[];
}

/** A list the primary has not answered within this time fails (a worker or the primary is stuck). */
const ANSWER_TIMEOUT_MS = 10_000;

/** Whether a store call empties the journal's ring (so every worker must empty its own first). */
export function touchesJournal(call: { op: string; key: string }): boolean {
  if (call.op === 'clear') return JOURNAL_RING_KEY.startsWith(call.key);
  return call.op === 'delete' && call.key === JOURNAL_RING_KEY;
}

/**
 * A worker's ring. `store` is the worker's IPC store: clearing deletes the ring's key through it, which
 * the primary answers once every worker has emptied its ring.
 */
export function createIpcJournalRing(channel: IpcChannel, store: StateStore, timeoutMs = ANSWER_TIMEOUT_MS): JournalRing {
  const local = createLocalRing(createRedactorCache());
  const lists = createAwaitedAnswers<ListAnswer>(channel, timeoutMs);

  channel.on('message', (message) => {
    const ask = message as Ask;
    if (typeof ask?.standinJournalAsk === 'number') {
      const reply: Reply = { standinJournalReply: ask.standinJournalAsk };
      if (!ask.collect) {
        local.clear();
        sendQuietly(channel, reply);
      } else {
        void local.select(ask.collect.filter ?? {}).then(
          (selected) => sendQuietly(channel, { ...reply, ...selected }),
          () => sendQuietly(channel, reply), // an entry that cannot be read (never expected) is left out
        );
      }
      return;
    }
    const answer = message as ListAnswer;
    if (typeof answer?.standinJournalListed === 'number') lists.answer(answer.standinJournalListed, answer);
  });
  sendQuietly(channel, { standinJournalJoin: true } satisfies Join);

  return {
    keep: (id, packed, capacity) => local.keep(id, packed, capacity),
    async list(filter, capacity) {
      const failed = (why: string) => new StateStoreError(`listing the journal: ${why}`);
      const answer = await lists.send((id) => ({ standinJournalList: id, filter, capacity }) satisfies ListRequest).catch((error: Error) => {
        throw failed(error.message);
      });
      if (!Array.isArray(answer.entries)) throw failed(answer.error ?? 'the primary process answered no entries');
      return answer.entries;
    },
    clear: () => store.delete(JOURNAL_RING_KEY),
  };
}

/** The primary's end: knows every worker that keeps a ring, gathers their entries, empties their rings. */
export interface JournalGatherer {
  /** Handles one worker's messages; answers a function that forgets the worker (it exited). */
  serve(channel: IpcChannel): () => void;
  /** Empties every worker's ring; resolves once each has done so or gone. */
  clearAll(): Promise<void>;
}

export function gatherJournals(): JournalGatherer {
  const members = new Set<IpcChannel>();
  /** Asks awaiting every member's reply. */
  const asks = createGathering<Reply>();

  /** Sends an ask to every member; resolves with the replies of those that answered (not those gone). */
  const askAll = (collect?: Ask['collect']): Promise<Reply[]> =>
    asks.send(members, (id) => (collect ? { standinJournalAsk: id, collect } : { standinJournalAsk: id }) satisfies Ask);

  async function list(request: ListRequest): Promise<JournalEntry[]> {
    const replies = await askAll({ filter: request.filter ?? {} });
    // The fleet's ring is its newest `capacity` entries: those from the capacity-th newest id on.
    const ids = replies.flatMap((r) => r.ids ?? []).sort((a, b) => a - b);
    const capacity = Math.max(0, Number(request.capacity) || 0);
    const from = ids.length > capacity ? ids[ids.length - capacity]! : -Infinity;
    return replies
      .flatMap((r) => r.entries ?? [])
      .filter((e) => e.id >= from)
      .sort((a, b) => a.id - b.id);
  }

  return {
    serve(channel) {
      const listener = (message: unknown) => {
        if ((message as Join)?.standinJournalJoin === true) {
          members.add(channel);
        } else if (typeof (message as Reply)?.standinJournalReply === 'number') {
          asks.answered((message as Reply).standinJournalReply, channel, message as Reply);
        } else if (typeof (message as ListRequest)?.standinJournalList === 'number') {
          const request = message as ListRequest;
          void list(request).then(
            (entries) => sendQuietly(channel, { standinJournalListed: request.standinJournalList, entries } satisfies ListAnswer),
            (error: Error) => sendQuietly(channel, { standinJournalListed: request.standinJournalList, error: error.message } satisfies ListAnswer),
          );
        }
      };
      channel.on('message', listener);
      return () => {
        channel.off('message', listener);
        members.delete(channel);
        asks.forget(channel);
      };
    },
    clearAll: async () => void (await askAll()),
  };
}
