/**
 * Where the journal keeps its ring of exchanges. The journal decides what is kept of an exchange (its
 * packed record, exchange-record.ts); a ring keeps the newest, lists those that pass a filter as
 * sealed entries, and empties itself.
 *
 * - `storeRing` (the default) keeps the ring in the StateStore, under JOURNAL_RING_KEY, so a reset of
 *   the store empties it. The in-process store holds one `HeldRing`: the packed exchanges as bytes
 *   (packed-ring.ts), sealed only when read. A shared store (Redis) gets a list of sealed entries, so
 *   every process sharing it shares one ring.
 * - `createLocalRing`: a ring in this process's memory, packed the same way. A `--workers` fleet gives
 *   each worker one and gathers them all on a read (src/node/ipc-journal.ts).
 */
import { globalKey, type StateStore } from '../core/state/store.js';
import type { Json } from '../core/types.js';
import type { JournalEntry } from './entry.js';
import { packedText, type Packed } from './exchange-record.js';
import { PackedRing } from './packed-ring.js';
import { sealPacked, type RedactorCache } from './seal-entry.js';

export interface JournalFilter {
  session?: string;
  provider?: string;
  /** An exact status (`429`) or a class (`4xx`). */
  status?: string | number;
  /** Only entries with a greater id (what a poller has not seen yet). */
  after?: number;
}

export interface JournalRing {
  /**
   * Keeps an exchange (its packed record), at most `capacity` in all (the oldest go). `id` is its id on
   * its way from the store's counter (asked for just before this call). Resolves once any read would
   * list the entry, so ids follow the order answers left in. A ring cleared while the id was on its way
   * may leave the exchange out: it ran concurrently with the clear.
   */
  keep(id: Promise<number>, packed: Packed, capacity: number): Promise<void>;
  /** The entries that pass `filter`, from the newest `capacity` kept, oldest first. */
  list(filter: JournalFilter, capacity: number): Promise<JournalEntry[]>;
  /** Empties the ring; answered once nothing cleared can be listed any more. */
  clear(): Promise<void>;
}

/** The store key of the ring a `storeRing` keeps. */
export const JOURNAL_RING_KEY = globalKey('journal');

/** The ring in `store` (see the top of this file). */
export function storeRing(store: StateStore, redactorFor: RedactorCache): JournalRing {
  if (store.inProcess) return heldRing(store, redactorFor);
  return {
    async keep(id, packed, capacity) {
      const n = await id;
      await store.append(JOURNAL_RING_KEY, sealPacked(n, packedText(packed), redactorFor).text, undefined, capacity);
    },
    list: async (filter) => selectSealed(await store.list(JOURNAL_RING_KEY), filter),
    clear: () => store.delete(JOURNAL_RING_KEY),
  };
}

/**
 * What the in-process store holds under JOURNAL_RING_KEY: the packed ring. Anything serialising the
 * store sees the sealed entries (`toJSON`), never a packed text and the secrets in it.
 */
class HeldRing {
  readonly ring = new PackedRing();
  constructor(private readonly redactorFor: RedactorCache) {}

  select(filter: JournalFilter): JournalEntry[] {
    return selectPacked(this.ring, filter, this.redactorFor);
  }

  toJSON(): JournalEntry[] {
    return this.select({});
  }
}

function heldRing(store: StateStore, redactorFor: RedactorCache): JournalRing {
  let latest: HeldRing | undefined;
  let made = 0;
  /**
   * The ring the store holds, made (and handed to the store) when it holds none: at first, after a
   * reset. Every path takes the same number of steps, so exchanges reach the ring in the order they
   * asked (in the order their ids were asked for).
   */
  async function current(): Promise<HeldRing> {
    const asked = made;
    const held = await store.get(JOURNAL_RING_KEY);
    if (held instanceof HeldRing) return held;
    // Another exchange made one while this one was asking: both keep theirs in it.
    if (made !== asked && latest) return latest;
    made++;
    latest = new HeldRing(redactorFor);
    // The in-process store takes it as it is called; not waiting keeps this path as short as the others.
    store.set(JOURNAL_RING_KEY, latest as unknown as Json).catch(() => undefined);
    return latest;
  }
  const pending = keepsUnderWay();
  return {
    keep: (id, packed, capacity) =>
      pending.track(
        Promise.all([id, current()]).then(([n, held]) => {
          held.ring.push(n, packed.text, capacity, packed.tail);
        }),
      ),
    // A read waits for the exchanges being kept: in process an answer does not wait for its entry
    // (journal.ts), so a client that has its answer and reads at once must not miss it.
    async list(filter) {
      await pending.settled();
      const held = await store.get(JOURNAL_RING_KEY);
      return held instanceof HeldRing ? held.select(filter) : [];
    },
    clear: () => store.delete(JOURNAL_RING_KEY),
  };
}

/**
 * What a read waits for: the keeps asked for before it. They reach their ring in the order they were
 * asked (see `heldRing`; a worker's ids come from the primary in order), so the last one settling
 * means all have. Keeps asked for after the read are not waited for: under load some always are, and
 * a read that waited for none to be left would never answer.
 */
function keepsUnderWay() {
  let last: Promise<unknown> = Promise.resolve();
  return {
    track(keep: Promise<void>): Promise<void> {
      last = keep;
      return keep;
    },
    settled: (): Promise<void> => last.then(
      () => undefined,
      () => undefined,
    ),
  };
}

/** A ring in this process's memory: what one worker of a fleet recorded. */
export interface LocalRing {
  keep: JournalRing['keep'];
  /**
   * The ids of every entry kept (in the order kept), and the entries that pass `filter`; waits for
   * the ids still on their way (an id that fails leaves its entry out).
   */
  select(filter: JournalFilter): Promise<{ ids: number[]; entries: JournalEntry[] }>;
  clear(): void;
}

export function createLocalRing(redactorFor: RedactorCache): LocalRing {
  let ring = new PackedRing();
  const pending = keepsUnderWay();
  return {
    // The answer waits for the id. Not waiting saved a round trip to the primary, but then an exchange
    // answered on one worker could get a higher id than one a client sent to another worker after it
    // had that answer: the journal listed them out of order (seen in test/fleet.test.ts).
    keep(id, packed, capacity) {
      const into = ring;
      // Ids come from the primary in the order they were asked for, so exchanges reach the ring in order.
      return pending.track(
        id.then(
          (n) => {
            // A clear meanwhile replaced the ring: that exchange ran across the clear, and is left out.
            if (into === ring) ring.push(n, packed.text, capacity, packed.tail);
          },
          () => undefined, // the store failed: nothing to list (the exchange's other store calls say so)
        ),
      );
    },
    async select(filter) {
      await pending.settled();
      return { ids: ring.keptIds(), entries: selectPacked(ring, filter, redactorFor) };
    },
    clear() {
      ring = new PackedRing();
    },
  };
}

/** The exchanges of a packed ring (oldest first) that pass `filter`, as sealed entries. */
function selectPacked(ring: PackedRing, filter: JournalFilter, redactorFor: RedactorCache): JournalEntry[] {
  const passes = filterTest(filter);
  const out: JournalEntry[] = [];
  for (const { id, packed } of ring.read(filter.after)) {
    const { entry } = sealPacked(id, packed, redactorFor);
    if (passes(entry)) out.push(entry);
  }
  return out;
}

/** The sealed entries of a ring (oldest first) that pass `filter`. */
export function selectSealed(items: readonly unknown[], filter: JournalFilter): JournalEntry[] {
  const passes = filterTest(filter);
  const out: JournalEntry[] = [];
  for (const item of items) {
    if (typeof item !== 'string') continue;
    // Each sealed entry starts `{"id":N,`: a poller asking for what is new parses only that.
    if (filter.after !== undefined && idOf(item) <= filter.after) continue;
    const e = JSON.parse(item) as JournalEntry;
    if (passes(e)) out.push(e);
  }
  return out;
}

/** Whether an entry passes the filter's session, provider and status (`after` is tested before sealing). */
function filterTest(filter: JournalFilter): (e: JournalEntry) => boolean {
  const status = statusTest(filter.status);
  return (e) => (filter.session === undefined || e.session === filter.session) && (filter.provider === undefined || e.provider === filter.provider) && status(e.status);
}

/** The id at the start of a sealed entry (`{"id":123,...`). */
function idOf(sealed: string): number {
  return Number(sealed.slice(6, sealed.indexOf(',', 6)));
}

/** `429` matches that status, `4xx` the class; anything else (or nothing) matches every entry. */
function statusTest(status: string | number | undefined): (s: number) => boolean {
  if (status === undefined || status === '') return () => true;
  const text = String(status);
  if (/^[1-5]xx$/i.test(text)) return (s) => Math.floor(s / 100) === Number(text[0]);
  return (s) => s === Number(text);
}
