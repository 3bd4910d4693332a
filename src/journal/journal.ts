/**
 * The journal: every exchange standin answered, newest last, kept in the StateStore as a ring of
 * JOURNAL_CAPACITY entries, so processes sharing a store (Redis) share one journal. It observes the
 * engine's `onExchange` seam; control requests (`/_standin/*`, `/health`) are not recorded, or the
 * inspector polling the journal would fill it. A shared store gets each entry sealed (redacted JSON
 * text); the in-process store gets a `PendingEntry`, sealed when first read (pending-entry.ts).
 */
import { isControlPath } from '../core/control.js';
import type { Exchange } from '../core/engine.js';
import type { Reply } from '../core/reply.js';
import { globalKey, type StateStore } from '../core/state/store.js';
import { JOURNAL_CAPACITY, type JournalEntry, type JournalSummary } from './entry.js';
import { observeStream, sseObserver, type StreamObservation } from './observe-stream.js';
import { isSseBody, observeSse } from '../sse/body.js';
import { PendingEntry } from './pending-entry.js';
import { addStream, createRedactorCache, draftEntry, keptOf, summarise, type RecordedExchange, type CredentialFromBody, type DraftEntry } from './record-exchange.js';
import type { Json } from '../core/types.js';

export interface JournalFilter {
  session?: string;
  provider?: string;
  /** An exact status (`429`) or a class (`4xx`). */
  status?: string | number;
  /** Only entries with a greater id (what a poller has not seen yet). */
  after?: number;
}

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
  credentialFromBody?: CredentialFromBody;
  /** Told each exchange's summary once it is recorded (the server's log line). */
  onEntry?: (summary: JournalSummary) => void;
}

const ENTRIES = globalKey('journal');
const LAST_ID = globalKey('journal-id');
const CLEARED_AFTER = globalKey('journal-cleared-after');

export function createJournal(options: JournalOptions): Journal {
  const { store } = options;
  const capacity = options.capacity ?? JOURNAL_CAPACITY;
  const redactorFor = createRedactorCache();

  /**
   * Records an exchange: `draft` builds its entry, now (a shared store) or when first read (the
   * in-process store keeps the object itself, see StateStore.inProcess); `summary` the log line's part.
   */
  async function save(draft: () => DraftEntry, summary: (id: number) => JournalSummary): Promise<void> {
    const id = await store.increment(LAST_ID, 1);
    const pending = new PendingEntry(id, draft, redactorFor);
    await store.append(ENTRIES, store.inProcess ? (pending as unknown as Json) : pending.sealed(), undefined, capacity);
    options.onEntry?.(summary(id));
  }

  return {
    capacity,
    async list(filter = {}) {
      const status = statusTest(filter.status);
      const out: JournalEntry[] = [];
      for (const item of await store.list(ENTRIES)) {
        const pending = item instanceof PendingEntry ? item : undefined;
        if (!pending && typeof item !== 'string') continue;
        // Each sealed entry starts `{"id":N,`: a poller asking for what is new parses only that.
        if (filter.after !== undefined && (pending ? pending.id : idOf(item as string)) <= filter.after) continue;
        const e = JSON.parse(pending ? pending.sealed() : (item as string)) as JournalEntry;
        if ((filter.session === undefined || e.session === filter.session) && (filter.provider === undefined || e.provider === filter.provider) && status(e.status)) out.push(e);
      }
      return out;
    },
    lastId: () => numberAt(store, LAST_ID),
    clearedAfter: () => numberAt(store, CLEARED_AFTER),
    async clear() {
      await store.set(CLEARED_AFTER, await numberAt(store, LAST_ID));
      await store.delete(ENTRIES);
    },
    async observe(exchange) {
      const path = pathOf(exchange.request.url);
      if (isControlPath(path.split('?', 1)[0]!)) return;
      // Only what the entry needs is kept until it is read: closures made here would keep the whole
      // exchange (and the socket behind its request) alive, so they are made in `record`.
      return record(keptOf(exchange), exchange.reply, path);
    },
  };

  /** `reply` is what goes out; the closures made here hold only `kept` and `path` (see `observe`). */
  function record(kept: RecordedExchange, reply: Reply, path: string): Promise<void> | Reply {
    const draft = () => draftEntry(kept, path, options.credentialFromBody);
    const summary = (id: number, seen?: StreamObservation) => summarise(id, kept, path, redactorFor, options.credentialFromBody, seen);
    const { startedAt } = kept;
    const body = reply.body;
    if (body === null || typeof body === 'string') return save(draft, summary);
    const onEnd = (seen: StreamObservation) =>
      save(
        () => {
          const streamed = draft();
          addStream(streamed, startedAt, seen);
          return streamed;
        },
        (id) => summary(id, seen),
      );
    if (isSseBody(body)) return { ...reply, body: observeSse(body, sseObserver({ startedAt, onEnd })) };
    const sse = /^text\/event-stream\b/i.test(reply.headers['content-type'] ?? '');
    return { ...reply, body: observeStream(body, { sse, startedAt, onEnd }) };
  }
}

/** The id at the start of a sealed entry (`{"id":123,...`). */
function idOf(sealed: string): number {
  return Number(sealed.slice(6, sealed.indexOf(',', 6)));
}

async function numberAt(store: StateStore, key: string): Promise<number> {
  const value = await store.get(key);
  return typeof value === 'number' ? value : 0;
}

/** `429` matches that status, `4xx` the class; anything else (or nothing) matches every entry. */
function statusTest(status: string | number | undefined): (s: number) => boolean {
  if (status === undefined || status === '') return () => true;
  const text = String(status);
  if (/^[1-5]xx$/i.test(text)) return (s) => Math.floor(s / 100) === Number(text[0]);
  return (s) => s === Number(text);
}

/** Path and query of an absolute URL. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const hash = url.indexOf('#', start);
  return url.slice(start, hash < 0 ? url.length : hash);
}
