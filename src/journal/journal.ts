/**
 * The journal: every exchange standin answered, newest last, kept in the StateStore as a ring of
 * JOURNAL_CAPACITY entries, so processes sharing a store (Redis) share one journal. It observes the
 * engine's `onExchange` seam; control requests (`/_standin/*`, `/health`) are not recorded, or the
 * inspector polling the journal would fill it. Each exchange becomes a `PendingEntry` (pending-entry.ts);
 * where it is kept, and whether sealed (redacted JSON text) at once or when first read, is the ring's
 * business (ring.ts: the store's list by default; a `--workers` fleet keeps one ring per worker). Ids
 * always come from the store's counter, so they are unique and increasing across processes sharing it.
 */
import { isControlPath } from '../core/control.js';
import type { Exchange } from '../core/engine.js';
import type { Reply } from '../core/reply.js';
import { globalKey, type StateStore } from '../core/state/store.js';
import { JOURNAL_CAPACITY, type JournalEntry, type JournalSummary } from './entry.js';
import { storeRing, type JournalFilter, type JournalRing } from './ring.js';
import { observeStream, sseObserver, type StreamObservation } from './observe-stream.js';
import { isSseBody, observeSse } from '../sse/body.js';
import { PendingEntry } from './pending-entry.js';
import { createRedactorCache, RecordedExchange, type CredentialFromBody } from './record-exchange.js';

export type { JournalFilter, JournalRing } from './ring.js';

export interface Journal {
  /** How many exchanges the ring keeps. */
  readonly capacity: number;
  /** Recorded exchanges, oldest first, newest last. */
  list(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** The id of the latest entry recorded (0 when none since the store was last cleared). */
  lastId(): Promise<number>;
  /** Entries up to this id were cleared (so a page showing them drops them). */
  clearedAfter(): Promise<number>;
  /** Empties the journal; ids keep counting up. */
  clear(): Promise<void>;
  /** The `onExchange` observer: records the exchange; a streamed answer is replaced by a watched copy. */
  observe(exchange: Exchange): Promise<Reply | void>;
}

export interface JournalOptions {
  store: StateStore;
  capacity?: number;
  /** Where entries are kept (default: a list in `store`, `storeRing`). */
  ring?: JournalRing;
  credentialFromBody?: CredentialFromBody;
  /** Told each exchange's summary once it is recorded (the server's log line). */
  onEntry?: (summary: JournalSummary) => void;
}

const LAST_ID = globalKey('journal-id');
const CLEARED_AFTER = globalKey('journal-cleared-after');

export function createJournal(options: JournalOptions): Journal {
  const { store } = options;
  const capacity = options.capacity ?? JOURNAL_CAPACITY;
  const ring = options.ring ?? storeRing(store);
  const redactorFor = createRedactorCache();

  /**
   * Records an exchange: the ring keeps it as it is, made into an entry when first read (see
   * ring.ts); the log line gets its summary.
   */
  async function save(kept: RecordedExchange): Promise<void> {
    const id = store.increment(LAST_ID, 1);
    // A journal of no entries still numbers its exchanges, for the log line.
    if (capacity > 0) await ring.keep(id, (n) => new PendingEntry(n, kept, redactorFor), capacity);
    else await id;
    // The log line does not hold the answer. A store that failed to give an id has said so to the
    // exchange's other calls, and a line that fails to print must not take the server down: the
    // entry is kept either way.
    const onEntry = options.onEntry;
    if (onEntry) void id.then((n) => onEntry(kept.summary(n, redactorFor))).catch(() => undefined);
  }

  return {
    capacity,
    list: (filter = {}) => ring.list(filter, capacity),
    lastId: () => numberAt(store, LAST_ID),
    clearedAfter: () => numberAt(store, CLEARED_AFTER),
    async clear() {
      await store.set(CLEARED_AFTER, await numberAt(store, LAST_ID));
      await ring.clear();
    },
    async observe(exchange) {
      const path = pathOf(exchange.request.url);
      if (isControlPath(path.split('?', 1)[0]!)) return;
      return record(new RecordedExchange(exchange, path, options.credentialFromBody), exchange.reply);
    },
  };

  /** `reply` is what goes out; what is kept until the entry is read is only `kept`. */
  function record(kept: RecordedExchange, reply: Reply): Promise<void> | Reply {
    const body = reply.body;
    if (body === null || typeof body === 'string') return save(kept);
    const onEnd = (seen: StreamObservation) => {
      kept.seen = seen;
      return save(kept);
    };
    const { startedAt } = kept;
    if (isSseBody(body)) return { ...reply, body: observeSse(body, sseObserver({ startedAt, onEnd })) };
    const sse = /^text\/event-stream\b/i.test(reply.headers['content-type'] ?? '');
    return { ...reply, body: observeStream(body, { sse, startedAt, onEnd }) };
  }
}

async function numberAt(store: StateStore, key: string): Promise<number> {
  const value = await store.get(key);
  return typeof value === 'number' ? value : 0;
}

/** Path and query of an absolute URL. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const hash = url.indexOf('#', start);
  return url.slice(start, hash < 0 ? url.length : hash);
}
