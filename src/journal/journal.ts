/**
 * The journal: every exchange standin answered, newest last, kept in the StateStore as a ring of
 * JOURNAL_CAPACITY entries, so processes sharing a store (Redis) share one journal. It observes the
 * engine's `onExchange` seam; control requests (`/_standin/*`, `/health`) are not recorded, or the
 * inspector polling the journal would fill it. Each exchange becomes a record, packed into one text
 * (exchange-record.ts); where it is kept, and whether sealed (redacted JSON text) at once or when first
 * read, is the ring's business (ring.ts: in the store by default; a `--workers` fleet keeps one ring per
 * worker). Ids always come from the store's counter, so they are unique and increasing across processes
 * sharing it.
 */
import { isControlPath } from '../core/control.js';
import type { Exchange } from '../core/engine.js';
import type { Reply } from '../core/reply.js';
import { globalKey, type StateStore } from '../core/state/store.js';
import { JOURNAL_CAPACITY, type JournalEntry, type JournalSummary } from './entry.js';
import { storeRing, type JournalFilter, type JournalRing } from './ring.js';
import { observeStream, sseObserver, type StreamObservation } from './observe-stream.js';
import { isSseBody, observeSse } from '../sse/body.js';
import { packRecord, type ExchangeRecord } from './exchange-record.js';
import { recordExchange, streamRecord, type CredentialFromBody } from './record-exchange.js';
import { createRedactorCache, summarize } from './seal-entry.js';

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
  observe(exchange: Exchange): Reply | void | Promise<Reply | void>;
}

export interface JournalOptions {
  store: StateStore;
  capacity?: number;
  /** Where entries are kept (default: in `store`, `storeRing`). */
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
  const redactorFor = createRedactorCache();
  const ring = options.ring ?? storeRing(store, redactorFor);

  /**
   * Records an exchange: the ring keeps it packed (see ring.ts); the log line gets its summary. The
   * answer waits until a read would list the entry, so a client that has its answer finds it in the
   * journal. Not on a store in this process: its calls do no I/O, so they settle before the next
   * request is even read, and waiting only delayed the answer (~5 µs of promise hops per exchange).
   */
  function save(kept: ExchangeRecord): Promise<void> | undefined {
    const id = store.increment(LAST_ID, 1);
    // A journal of no entries still numbers its exchanges, for the log line.
    const recorded = capacity > 0 ? ring.keep(id, packRecord(kept), capacity) : id.then(() => undefined);
    // The log line does not hold the answer. A store that failed to give an id has said so to the
    // exchange's other calls, and a line that fails to print must not take the server down: the
    // entry is kept either way.
    const onEntry = options.onEntry;
    if (onEntry) void recorded.then(() => id).then((n) => onEntry(summarize(n, kept, redactorFor))).catch(() => undefined);
    if (!store.inProcess) return recorded;
    recorded.catch(() => undefined); // nothing in process fails; were it to, the exchange is not recorded
    return undefined;
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
    observe(exchange) {
      const path = pathOf(exchange.request.url);
      if (isControlPath(path.split('?', 1)[0]!)) return;
      return record(recordExchange(exchange, path, options.credentialFromBody), exchange.reply);
    },
  };

  /** `reply` is what goes out; what is kept until the entry is read is only `kept`. */
  function record(kept: ExchangeRecord, reply: Reply): Reply | void | Promise<void> {
    const body = reply.body;
    if (body === null || typeof body === 'string') return save(kept);
    const onEnd = (seen: StreamObservation) => {
      kept.stream = streamRecord(seen);
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
